-- evaluation/excellent_share.sql — each unit's 优秀 share of one year against the cap (SPEC §5).
-- share = 优秀 / graded (grades of rules assessment.graded; 不定等次 excluded); a unit is over the
-- cap only when share > assessment.excellent_cap (exactly at the cap is within it). A grade's unit
-- is the person's main unit on 31 December of its year; grades of years the person was not
-- active are left out. Persons with no unit that day are grouped under unit_id NULL.
-- Grain: one row per unit with at least one graded person.
-- Parameters: $year, $as_of (31 Dec of $year), $units, $counties (VARCHAR[] or NULL = all).
-- Columns: unit_id, unit_name, unit_kind, graded, excellent, share, cap, over_cap.
with
people as (
    select person_id, unit_id, unit_kind, entry_date, exit_date,
    from eval_slice($as_of::date, $units::varchar[], $counties::varchar[], null, null, null)
),
graded as (
    -- valid grades (as valid_annual_grades), checked on the slice's own entry and exit dates:
    -- one join instead of two
    select p.unit_id, p.unit_kind, g.grade,
    from annual_assessments as g
    join people as p using (person_id)
    where g.year = $year
      and p.entry_date <= make_date(g.year, 12, 31)
      and (p.exit_date is null or p.exit_date > make_date(g.year, 1, 1))
      and g.grade::varchar in (select value from rule_lists where name = 'assessment.graded')
),
per_unit as (
    -- counted per unit first, the names joined to the one row of each unit after
    select
        unit_id,
        any_value(unit_kind)::varchar as unit_kind,
        count(*) as graded,
        count(*) filter (where grade = '优秀') as excellent,
    from graded
    group by unit_id
),
final as (
    select
        g.unit_id,
        u.name as unit_name,
        g.unit_kind,
        g.graded,
        g.excellent,
        g.excellent / g.graded as share,
        rule_num('assessment.excellent_cap') as cap,
    from per_unit as g
    left join units as u using (unit_id)
)
select *, share > cap as over_cap,
from final
order by share desc, unit_id;
