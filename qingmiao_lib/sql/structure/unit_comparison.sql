-- structure/unit_comparison.sql — the unit comparison table of organisation departments:
-- headcount, average age, average years of service (工龄) and of party membership (党龄),
-- % young, % 本科 and above, % women per unit, with the slice's total on the last row.
-- 工龄 = full years from work_start_date, 党龄 = full years from party_join_date (party members
-- with a join date on or before the day), each full_months(...) // 12; averages skip the
-- persons without the date. A person counts in the unit of their main post.
-- Grain: one row per unit with at least one active person in the slice (persons without a post:
--   one row with unit_id NULL), then one total row (is_total).
-- Parameters: $as_of (DATE) and the slice filters of in_slice ($units, $counties, $unit_kinds,
--   $genders, $educations, $cohorts, $pool, $young, $first_five; NULL = no filter).
-- Columns: is_total, unit_id, unit_name, unit_kind, persons, avg_age, avg_service_years,
--   avg_party_years, share_young, share_bachelor_plus, share_women (shares 0–1).
with
people as (
    select
        s.unit_id, s.unit_kind::varchar as unit_kind, s.age, s.young, s.gender, s.education,
        full_months(p.work_start_date, $as_of::date) // 12 as service_years,
        case when p.party_join_date <= $as_of::date
             then full_months(p.party_join_date, $as_of::date) // 12 end as party_years,
    from person_snapshot_at($as_of::date) as s
    join persons as p using (person_id)
    where s.active
      and in_slice(s.person_id, s.unit_id, s.unit_kind, s.gender, s.education, s.entry_cohort,
                   s.in_young_pool, s.in_two_type_pool, s.young, s.first_five,
                   $units::varchar[], $counties::varchar[], $unit_kinds::varchar[],
                   $genders::varchar[], $educations::varchar[], $cohorts::integer[],
                   $pool::varchar, $young::boolean, $first_five::boolean)
),
final as (
    select
        grouping(p.unit_id) = 1 as is_total,
        p.unit_id,
        u.name as unit_name,
        p.unit_kind,
        count(*) as persons,
        avg(p.age) as avg_age,
        avg(p.service_years) as avg_service_years,
        avg(p.party_years) as avg_party_years,
        avg(p.young::integer) as share_young,
        avg((p.education::varchar in ('本科', '硕士研究生', '博士研究生'))::integer)
            as share_bachelor_plus,
        avg((p.gender = '女')::integer) as share_women,
    from people as p
    left join units as u using (unit_id)
    group by grouping sets ((p.unit_id, u.name, p.unit_kind), ())
)
select * from final
order by is_total, unit_kind::unit_kind nulls last, unit_id nulls last;
