-- importer/roster_ranks.sql — the 变动原因 of each roster rank (a roster states only the current
-- rank and since when), and the database's open rank it ends.
-- Input: temp table _rr (_sheet, _row, person_id, rank, start, reason, entry: cells as written;
-- entry = the person's 录用时间 as it will be).
-- Rule, first that applies: the reason written ('given'); the reason of the database's row of the
-- person starting the same day ('database'); against the person's latest earlier rank in the
-- database — higher 晋升, same 平级调整, lower 降级 ('previous'); no earlier rank: 定级 when the
-- rank starts at most $within months after 录用时间 ('定级'), otherwise 晋升 ('晋升').
-- Parameters: $ladder (the rank names, lowest first), $within. Grain: one row per _rr row.
with r as (
    select *, qm_date(nullif(start, '')) as s, qm_date(nullif(entry, '')) as e,
    from _rr
),
same as (
    select r._sheet, r._row, any_value(p.reason::varchar) as reason,
    from r join main.ranks as p on p.person_id = r.person_id and p.start_date = r.s
    group by all
),
prev as (
    select r._sheet, r._row, arg_max(p.rank::varchar, p.start_date) as rank,
    from r join main.ranks as p on p.person_id = r.person_id and p.start_date < r.s
    group by all
),
final as (
    select
        r._sheet,
        r._row,
        case
            when r.reason <> '' then 'given'
            when r.s is null or list_position($ladder, r.rank) is null then 'unknown'
            when same.reason is not null then 'database'
            when prev.rank is not null then 'previous'
            when r.e is not null and r.s <= r.e + to_months(cast($within as integer)) then '定级'
            else '晋升'
        end as how,
        case how
            when 'given' then r.reason
            when 'database' then same.reason
            when 'previous' then
                case sign(list_position($ladder, r.rank) - list_position($ladder, prev.rank))
                    when 1 then '晋升' when 0 then '平级调整' else '降级' end
            when 'unknown' then ''
            else how
        end as reason,
    from r
    left join same on same._sheet = r._sheet and same._row = r._row
    left join prev on prev._sheet = r._sheet and prev._row = r._row
)
select * from final
