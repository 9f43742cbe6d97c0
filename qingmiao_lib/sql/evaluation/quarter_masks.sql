-- evaluation/quarter_masks.sql — the quarterly (平时考核) grades of the persons of a slice as four
-- 64-bit masks, one per grade (m0 好, m1 较好, m2 一般, m3 较差): bit i = quarter i counted from
-- origin Q1, so [origin, last_year] must be at most 16 years. Masks are aggregated before the
-- join with the slice (a group-by of the grade rows, no window), then cut to the years the
-- person was active in: entry_date <= 31 Dec and exit_date empty or after 1 Jan (the rule of
-- valid_quarter_grades). With a slice filter (any of want_units, want_counties, want_age_group,
-- want_young, want_cohort set), only the grades of the slice's persons are grouped (a semi join
-- first); without one, all grades are (no join needed before the group-by). Shared by
-- quarterly_trend.sql (origin = its first year) and quarterly_declines.sql (origin = the year
-- before, which holds a chain's first quarters).
-- Columns: person_id, name, unit_id, m0, m1, m2, m3 (persons without a grade: all 0).
-- The masks are cut from eval_quarter_bits: the grade rows grouped (eval_quarter_bits_live,
-- below), or the stored masks of the table quarter_masks shifted to the range
-- (eval_quarter_bits_stored, evaluation/quarter_masks_stored.sql), to which the query layer
-- points the name for one query while the stamp matches and the range lies in the stored 16
-- years (evaluation/use_quarters_stored.sql; evaluation/use_quarters_live.sql points it back).
-- eval_quarter_bits_live(origin, last_year, as_of, want_units, want_counties, want_age_group,
-- want_young, want_cohort): each graded person's four masks over [origin, last_year], from the
-- grade rows.
-- Grain: one row per person with a grade in the range. Columns: person_id, b0, b1, b2, b3 (NULL
-- without a grade of that kind).
create or replace temp macro eval_quarter_bits_live(origin, last_year, as_of, want_units, want_counties,
                                                     want_age_group, want_young, want_cohort) as table
with
graded as (
    -- the grades of the range: all of them without a slice filter, else only the slice's
    select person_id, year, quarter, grade,
    from regular_assessments
    where year between origin and last_year
      and want_units::varchar[] is null and want_counties::varchar[] is null
      and want_age_group::varchar is null
      and want_young::boolean is null and want_cohort::integer[] is null
    union all
    select person_id, year, quarter, grade,
    from regular_assessments
    semi join (
        select person_id,
        from eval_slice(as_of::date, want_units::varchar[], want_counties::varchar[],
                        want_age_group::varchar, want_young::boolean, want_cohort::integer[])
        where active
    ) using (person_id)
    where year between origin and last_year
      and (want_units::varchar[] is not null or want_counties::varchar[] is not null
           or want_age_group::varchar is not null
           or want_young::boolean is not null or want_cohort::integer[] is not null)
),
final as (
    select person_id,
           bit_or(1::ubigint << (year * 4 + quarter - 1 - origin * 4)::ubigint)
               filter (where grade = '好') as b0,
           bit_or(1::ubigint << (year * 4 + quarter - 1 - origin * 4)::ubigint)
               filter (where grade = '较好') as b1,
           bit_or(1::ubigint << (year * 4 + quarter - 1 - origin * 4)::ubigint)
               filter (where grade = '一般') as b2,
           bit_or(1::ubigint << (year * 4 + quarter - 1 - origin * 4)::ubigint)
               filter (where grade = '较差') as b3,
    from graded
    group by person_id
)
select * from final;

-- eval_quarter_bits: the name eval_quarter_masks reads (see the header).
create or replace temp macro eval_quarter_bits(origin, last_year, as_of, want_units, want_counties,
                                                want_age_group, want_young, want_cohort) as table
    select * from eval_quarter_bits_live(origin, last_year, as_of, want_units, want_counties,
                                         want_age_group, want_young, want_cohort);

create or replace temp macro eval_quarter_masks(origin, last_year, as_of, want_units, want_counties,
                                                 want_age_group, want_young, want_cohort) as table
with
people as (
    select person_id, name, unit_id, entry_date, exit_date,
    from eval_slice(as_of::date, want_units::varchar[], want_counties::varchar[],
                    want_age_group::varchar, want_young::boolean, want_cohort::integer[])
    where active
),
bits as (
    select * from eval_quarter_bits(origin, last_year, as_of, want_units, want_counties,
                                    want_age_group, want_young, want_cohort)
),
valid as (
    -- valid years: entry_date <= 31 Dec and (exit_date empty or after 1 Jan): bits [lo, hi)
    select p.person_id, p.name, p.unit_id, b.b0, b.b1, b.b2, b.b3,
           greatest(year(p.entry_date) - origin, 0) * 4 as lo,
           least(case when p.exit_date is null then last_year
                      when p.exit_date > make_date(year(p.exit_date), 1, 1) then year(p.exit_date)
                      else year(p.exit_date) - 1 end - origin + 1, last_year - origin + 1) * 4 as hi,
    from bits as b
    join people as p using (person_id)
),
kept as (
    select person_id, name, unit_id, b0, b1, b2, b3,
           case when hi <= lo then 0::ubigint
                else ((1::ubigint << (hi - lo)::ubigint) - 1::ubigint) << lo::ubigint end as keep,
    from valid
)
select person_id, name, unit_id,
       coalesce(b0, 0::ubigint) & keep as m0, coalesce(b1, 0::ubigint) & keep as m1,
       coalesce(b2, 0::ubigint) & keep as m2, coalesce(b3, 0::ubigint) & keep as m3,
from kept;
