-- shortlist/recommendations.sql — the units' recommendations (一推) checked against the personal
-- conditions: who on the list cannot be a candidate, and why.
-- Grain: one row per listed person_id that is not a candidate on $as_of (in the order given).
-- Parameters: $as_of (DATE), $ids (VARCHAR[] person_id as listed), $county (VARCHAR county code
--   of a combined database | NULL) and $county_quotas (that county's rows of the table
--   county_quotas for year($as_of), a list of STRUCT(county, rank, max_count) | NULL): with
--   $county, the answer of that county's own database — a person of another county is unknown
--   (人员编号不存在), and a full quota in the reasons is the county's (eligibility_on per_county).
-- Columns: entry (1..), person_id, name, unit_id, current_rank, next_rank, reasons (Chinese).
with
listed as (
    select unnest($ids::varchar[]) as person_id, unnest(range(1, len($ids::varchar[]) + 1)) as entry,
),
elig as (
    select e.person_id, e.name, e.unit_id, e.current_rank, e.next_rank, e.qualified, e.reasons,
    from eligibility_on($as_of::date, per_county := $county::varchar is not null,
                        county_quotas := $county_quotas) as e
    semi join listed as l on l.person_id = e.person_id
    where $county::varchar is null or county_of(e.person_id) = $county::varchar
),
known as (
    select person_id, name,
    from persons
    where $county::varchar is null or county_of(person_id) = $county::varchar
),
final as (
    select l.entry, l.person_id, coalesce(e.name, p.name) as name, e.unit_id,
           e.current_rank::varchar as current_rank, e.next_rank::varchar as next_rank,
           case when p.person_id is null then '人员编号不存在'
                when e.person_id is null then '该日不在职'
                else e.reasons end as reasons,
    from listed as l
    left join known as p using (person_id)
    left join elig as e using (person_id)
    where not coalesce(e.qualified and e.next_rank is not null, false)
)
select * from final
order by entry;
