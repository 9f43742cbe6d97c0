-- pipeline/eligibility_grades_stored.sql — the assessment years of each tenure read from the
-- stored grade masks (table grade_years, snapshots/grade_years.sql) instead of every grade row:
-- the text that replaces the tenure_years CTE of eligibility_on (pipeline/eligibility_on.sql) in
-- the twins pipeline.py creates while the stamp matches and as_of is in 2077 or before.
-- Not a query on its own: two CTEs of that macro, reading its tenure and grade_kinds CTEs.
-- The same columns and values as the records' tenure_years: per person with a next rank and a
-- grade, counted_years / excellent_years / uncounted_years = the masks' bits of the years
-- first_year .. year(as_of) − 1 (bits first_year − 1950 ..), last_grade = the grade of the bit
-- year(as_of) − 1 − 1950. A person with a grade only after year(as_of) − 1 gets a row of zeros
-- and no last grade where the records give none: both read as zeros and NULL after the left
-- join in checked.
grade_classes as (
    -- which of the five grades (m0 … m4, annual_grade order) the rules leave uncounted
    select bool_or(uncounted and grade = '优秀') as u0, bool_or(uncounted and grade = '称职') as u1,
           bool_or(uncounted and grade = '基本称职') as u2, bool_or(uncounted and grade = '不称职') as u3,
           bool_or(uncounted and grade = '不定等次') as u4,
    from grade_kinds
),
tenure_years as (
    select y.person_id,
           bit_count((y.m0 | y.m1 | y.m2 | y.m3 | y.m4) & y.years)::bigint as counted_years,
           bit_count(y.m0 & y.years)::bigint as excellent_years,
           bit_count((case when c.u0 then y.m0 else 0::hugeint end | case when c.u1 then y.m1 else 0::hugeint end
                      | case when c.u2 then y.m2 else 0::hugeint end | case when c.u3 then y.m3 else 0::hugeint end
                      | case when c.u4 then y.m4 else 0::hugeint end) & y.years)::bigint as uncounted_years,
           case when (y.m0 >> y.last_bit) & 1::hugeint = 1 then '优秀'
                when (y.m1 >> y.last_bit) & 1::hugeint = 1 then '称职'
                when (y.m2 >> y.last_bit) & 1::hugeint = 1 then '基本称职'
                when (y.m3 >> y.last_bit) & 1::hugeint = 1 then '不称职'
                when (y.m4 >> y.last_bit) & 1::hugeint = 1 then '不定等次'
           end::annual_grade as last_grade,
    from (
        -- years: the bits first_year − 1950 .. year(as_of) − 1 − 1950 (none when the tenure's
        -- first assessment year is year(as_of))
        select t.person_id, g.m0, g.m1, g.m2, g.m3, g.m4,
               year(as_of::date) - 1 - 1950 as last_bit,
               case when t.first_year > year(as_of::date) - 1 then 0::hugeint
                    else ((1::hugeint << (year(as_of::date) - 1950)::integer) - 1::hugeint)
                         & ~((1::hugeint << (greatest(t.first_year, 1950) - 1950)::integer) - 1::hugeint)
               end as years,
        from tenure as t
        join grade_years as g using (person_id)
        where t.next_rank is not null
    ) as y
    cross join grade_classes as c
),
