-- shortlist/pool.sql — shortlist_pool_live(as_of, for_rank): what the shortlist reads of each person
-- active on as_of, computed from the records: the eligibility's verdict and tenure
-- (eligibility_on, the one definition of the personal conditions) and, for the candidates
-- (qualified, with a next rank), the 三优先 measures (shortlist_heavy, shortlist_frontline,
-- shortlist_left_leadership), the birth date and the statutory retirement date. The same rows
-- are stored on the latest 31 Decembers by refresh_snapshots (table shortlist_pool,
-- snapshots/shortlist_pool_store.sql), read back by shortlist_pool_stored (pool_stored.sql).
-- shortlist_pool(as_of, for_rank): the pool the shortlist reads — this live one between queries;
-- the shortlist points it at the stored one (shortlist/use_pool_stored.sql) while the stored
-- table is current and holds as_of, and back (shortlist/use_pool_live.sql).
-- Grain: one row per person active on as_of; with `for_rank` (a next rank, VARCHAR) only the
--   holders of that rank (the places) and of the rank below (its candidates); NULL: everybody.
-- Arguments: as_of (DATE), for_rank (VARCHAR or NULL).
-- Columns: person_id, name, unit_id, current_rank, next_rank, next_step, qualified, candidate
--   (qualified and a next rank), tenure_basis, tenure_months, excellent_years, then for
--   candidates only (NULL for the others): birth_date, heavy_years, heavy_tasks, heavy_months,
--   frontline_months, by_unit, by_program, left_level, left_on (NULL also when no post was
--   left), left_excluded, retirement_date (statutory: outlook's retirement_date, 县处级 by the
--   highest post held on as_of).
create or replace temp macro shortlist_pool_live(as_of, for_rank) as table
with
elig as (
    select person_id, name, unit_id, current_rank, next_rank, next_step, qualified, tenure_basis,
           tenure_months, excellent_years, qualified and next_rank is not null as candidate,
    from eligibility_on(as_of)
    where for_rank is null or current_rank::varchar = for_rank or next_rank::varchar = for_rank
),
candidates as (
    select person_id from elig where candidate
),
heavy as (
    select * from shortlist_heavy(as_of::date) semi join candidates using (person_id)
),
frontline as (
    select * from shortlist_frontline(as_of::date) semi join candidates using (person_id)
),
left_posts as (
    select * from shortlist_left_leadership(as_of::date) semi join candidates using (person_id)
),
held as (
    -- the highest post level held on as_of, for the statutory retirement (县处级: outlook)
    select po.person_id, max(po.level) as level,
    from posts as po
    semi join candidates using (person_id)
    where po.start_date <= as_of::date and (po.end_date is null or po.end_date > as_of::date)
    group by po.person_id
),
final as (
    select e.person_id, e.name, e.unit_id, e.current_rank, e.next_rank, e.next_step, e.qualified,
           e.candidate, e.tenure_basis, e.tenure_months, e.excellent_years,
           case when e.candidate then p.birth_date end as birth_date,
           case when e.candidate then coalesce(h.heavy_years, 0) end as heavy_years,
           case when e.candidate then coalesce(h.heavy_tasks, 0) end as heavy_tasks,
           case when e.candidate then coalesce(h.heavy_months, 0) end as heavy_months,
           case when e.candidate then coalesce(f.frontline_months, 0) end as frontline_months,
           case when e.candidate then coalesce(f.by_unit, false) end as by_unit,
           case when e.candidate then coalesce(f.by_program, false) end as by_program,
           l.left_level, l.left_on,
           case when e.candidate then coalesce(l.left_excluded, false) end as left_excluded,
           case when e.candidate then retirement_date(p.birth_date, p.gender, retirement_county_level(hl.level))
           end as retirement_date,
    from elig as e
    left join persons as p on p.person_id = e.person_id and e.candidate
    left join heavy as h on h.person_id = e.person_id
    left join frontline as f on f.person_id = e.person_id
    left join left_posts as l on l.person_id = e.person_id
    left join held as hl on hl.person_id = e.person_id
)
select * from final;

create or replace temp macro shortlist_pool(as_of, for_rank) as table
    select * from shortlist_pool_live(as_of, for_rank);
