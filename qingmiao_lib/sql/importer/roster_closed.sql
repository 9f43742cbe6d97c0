-- importer/roster_closed.sql — the database's open posts and ranks that a roster's current post or
-- rank succeeds: an open row of the same person starting before the roster's, not the same
-- record, ends when the roster's starts (its end_date is the roster's start as written).
-- Inputs: temp tables _rp (_sheet, _row, person_id, unit_id, start: the roster's posts) and _rr
-- (_sheet, _row, person_id, start: its ranks), cells as written.
-- Grain: one row per database row ended; table 'posts' or 'ranks', its columns as text.
with rp as (select *, qm_date(nullif(start, '')) as s from _rp),
rr as (select *, qm_date(nullif(start, '')) as s from _rr),
posts as (
    select 'posts' as tbl, rp._sheet, rp._row, p.person_id, p.unit_id, p.title, p.level::varchar as level,
           null::varchar as rank, null::varchar as reason,
           strftime(p.start_date, '%Y-%m-%d') as start_date, rp.start as end_date,
    from rp join main.posts as p on p.person_id = rp.person_id
    where p.end_date is null and p.start_date < rp.s
),
ranks as (
    select 'ranks' as tbl, rr._sheet, rr._row, p.person_id, null, null, null,
           p.rank::varchar, p.reason::varchar,
           strftime(p.start_date, '%Y-%m-%d'), rr.start,
    from rr join main.ranks as p on p.person_id = rr.person_id
    where p.end_date is null and p.start_date < rr.s
),
final as (select * from posts union all select * from ranks)
select * from final
