-- pipeline/eligibility_on.sql — eligibility_on(as_of): rank-promotion eligibility (职级晋升) on a
-- date, clause by clause as SPEC §5 "Rank-promotion eligibility" defines it. Every threshold comes
-- from the rules tables (promotion.*, rule_ranks, rule_levels). A table macro, loaded by
-- qingmiao_lib.pipeline, so the list, the counts and the forward view read one definition.
-- Grain: one row per person active on as_of (exited persons never appear).
-- Arguments: as_of (DATE); units and counties (VARCHAR[] of unit ids and county codes, default
--   NULL: everyone): the persons whose rows are wanted — by the unit of their main current post,
--   and by county_of(person_id) (base/macros.sql) — while the holders of each rank are still
--   counted over the whole jurisdiction (or their county), so a unit's rows are the rows it has
--   in the whole list, computed for its persons only; per_county (BOOLEAN, default false) and
--   county_quotas (a list of STRUCT(county, rank, max_count), default none): per_county judges each person of a combined
--   database as their county's own database would — the jurisdiction quota is their county's
--   (county_quotas: the rows of the table county_quotas for the year, bound by the caller, since
--   a county's own database has no such table) and its holders are counted in their county
--   (county_of(person_id), base/macros.sql). Without it, the jurisdiction is the whole database.
-- Columns: person_id, name, unit_id, rank_step, current_rank, next_rank, next_step,
--   rank_months (full months in the current ranks row), post_months (the longest current post at
--   the next rank's alt_level or above; NULL when the ladder allows none), tenure_basis
--   ('职级'/'职务'), tenure_start, counted_years, excellent_years, uncounted_years,
--   tenure_months (counted: raw − uncounted years × penalty), required_months (ladder minimum − 优秀
--   years × reduction), time_ok, last_year, last_grade, grade_ok, blocking_kind, blocking_until,
--   quota_max, quota_holders, unit_quota_max, unit_quota_holders (0 when no unit quota is set), quota_ok, qualified, eligible,
--   reasons ('；'-joined, '' when eligible), time_met_on (when tenure_months reaches
--   required_months if nothing else changes), months_to_eligible.
-- current_rank, next_rank (rank_name), last_grade (annual_grade) and blocking_kind
--   (supervision_kind) stay enums: Arrow hands them over as small dictionaries, not one string
--   per row (pipeline._frame turns them into the same object strings).
-- Defined here as eligibility_on_live, computed from the records (and the stored base layer and
-- grade masks, below); eligibility_on is the name the queries call: it reads this computation,
-- or the rows stored on a year end (eligibility_on_stored, pipeline/eligibility_stored.sql), or,
-- inside a qingmiao_lib.pipeline.holding block (a viewer's), the rows held for its date
-- (eligibility_on_held, pipeline/eligibility_held.sql) — the query layer points it
-- (pipeline/use_eligibility_live.sql, _stored.sql, _held.sql).
-- eligibility_wanted(unit_id, person_id, units, counties) -> BOOLEAN: is a person's row wanted
-- when only the persons of units (by the unit of their main current post) and counties (by
-- county_of(person_id)) are asked for (each NULL: everyone)? The one filter of eligibility_on's
-- live, stored and held rows.
create or replace temp macro eligibility_wanted(unit_id, person_id, units, counties) as (
    (units::varchar[] is null or list_contains(units::varchar[], unit_id))
    and (counties::varchar[] is null or list_contains(counties::varchar[], county_of(person_id)))
);

-- eligibility_records_live(as_of): the snap rows of eligibility_on from the records (persons
-- active on as_of with their rank and main post), none on a stored date (a snapshots row for as_of).
-- eligibility_records_none(as_of): the same columns, no rows: on a stored date the query layer
-- points eligibility_records at it (pipeline/use_records_none.sql) so the plan leaves the records
-- branch out altogether (planning is most of the time at the demo scale), and back
-- (pipeline/use_records_live.sql).
create or replace temp macro eligibility_records_live(as_of) as table
    select c.person_id, c.name, pp.unit_id, r.rank, r.rank_step, r.rank_start, r.rank_months
    from persons as c
    left join person_rank(as_of, enabled := not exists (
        select 1 from snapshots where snapshot_date = as_of)) as r using (person_id)
    left join person_post(as_of, enabled := not exists (
        select 1 from snapshots where snapshot_date = as_of)) as pp using (person_id)
    where active_on(c.entry_date, c.exit_date, as_of)
      and not exists (select 1 from snapshots where snapshot_date = as_of);
create or replace temp macro eligibility_records_none(as_of) as table
    select person_id, name, unit_id, rank, rank_step, rank_start, rank_months
    from snapshots
    where false;
create or replace temp macro eligibility_records(as_of) as table
    select * from eligibility_records_live(as_of);

-- eligibility_grade_masks_live(base): each person's annual grades of the years base .. base + 126
-- as bit masks (a HUGEINT holds 127 bits): bit y − base of mask m<i> is set when the grade of year
-- y is the i-th annual_grade (m0 优秀, m1 称职, m2 基本称职, m3 不称职, m4 不定等次; one grade per
-- person and year, the key of annual_assessments). The one definition of the masks: the stored
-- table grade_years is this with base 1950 (snapshots/grade_years.sql), which
-- eligibility_grade_masks_stored (pipeline/eligibility_grades_stored.sql) reads.
-- Grain: one row per person with a grade in those years. Columns: person_id, base, m0 … m4.
create or replace temp macro eligibility_grade_masks_live(base) as table
select
    person_id, base::integer as base,
    bit_or(case when grade = '优秀' then 1::hugeint << (year - base)::integer else 0::hugeint end) as m0,
    bit_or(case when grade = '称职' then 1::hugeint << (year - base)::integer else 0::hugeint end) as m1,
    bit_or(case when grade = '基本称职' then 1::hugeint << (year - base)::integer else 0::hugeint end) as m2,
    bit_or(case when grade = '不称职' then 1::hugeint << (year - base)::integer else 0::hugeint end) as m3,
    bit_or(case when grade = '不定等次' then 1::hugeint << (year - base)::integer else 0::hugeint end) as m4,
from annual_assessments
where year between base::integer and base::integer + 126
group by person_id;

-- eligibility_grade_masks(base): the masks eligibility_on reads, from the records with the base
-- it asks for (eligibility_grade_masks_live) or, while the stored masks are current and hold the
-- years (the query layer runs pipeline/use_grades_stored.sql), from grade_years with base 1950.
create or replace temp macro eligibility_grade_masks(base) as table
    select * from eligibility_grade_masks_live(base);

create or replace temp macro eligibility_on_live(as_of, units := null, counties := null,
                                                 per_county := false, county_quotas := null) as table
with
params as (
    select
        as_of::date as d,
        year(as_of::date) - 1 as last_year,
        rule_num('promotion.excellent_reduction_months')::integer as excellent_cut,
        rule_num('promotion.uncounted_penalty_months')::integer as uncounted_penalty,
        split_part(rule_txt('promotion.tenure_year_cutoff'), '-', 1)::integer as cutoff_month,
        split_part(rule_txt('promotion.tenure_year_cutoff'), '-', 2)::integer as cutoff_day,
),
snap as (
    -- the seven columns of person_snapshot(as_of) this check reads, from the same two branches
    -- (the stored rows on a stored date, else the records: eligibility_records below), without
    -- the columns and lookups it does not read (pools, ages, post levels): the plan stays small
    -- (planning dominates at the demo scale). The records branch reads no rows on a stored date,
    -- when the query layer also leaves it out of the plan (eligibility_records_none).
    select person_id, name, unit_id, rank, rank_step, rank_start, rank_months
    from snapshots
    where snapshot_date = as_of and active
    union all
    select * from eligibility_records(as_of)
),
kept as (
    -- the persons whose rows are wanted (units, counties); the holders below count all of snap
    select *
    from snap
    where eligibility_wanted(unit_id, person_id, units, counties)
),
ladder as (
    -- one step up, within the ceiling; alt_step: the post level whose tenure may count instead
    select cur.rank, nxt.rank as next_rank, nxt.step as next_step,
           nxt.required_months as base_required, alt.step as alt_step, nxt.alt_level,
    from rule_ranks as cur
    join rule_ranks as nxt on nxt.step = cur.step + 1
    left join rule_levels as alt on alt.level = nxt.alt_level
    where nxt.step <= (select step from rule_ranks where rank::varchar = rule_txt('promotion.ceiling'))
),
lead_posts as materialized (
    -- the current posts at a level some next rank's alt_level reaches: the few leadership posts
    -- (~250,000 of a million current posts), found before they meet the persons — joined first,
    -- every current post would be matched with its person and most then dropped
    select p.person_id, p.start_date, rl.step,
    from posts as p
    join rule_levels as rl on rl.level = p.level
    where covers(p.start_date, p.end_date, as_of)
      and rl.step >= (select min(alt_step) from ladder)
),
post_tenure as (
    -- the longest-held current post at the alt level or higher (earliest start)
    select s.person_id, min(p.start_date) as post_start,
    from kept as s
    join ladder as l on l.rank = s.rank
    join lead_posts as p on p.person_id = s.person_id
    where p.step >= l.alt_step
    group by s.person_id
),
post_months as (
    -- each step reads the columns of the one before: a column alias used again in the same
    -- select is expanded in place, and full_months and the tenure start would be planned and
    -- computed several times over
    select s.*, l.next_rank, l.next_step, l.base_required, l.alt_level, pt.post_start,
           full_months(pt.post_start, as_of) as post_months,
    from kept as s
    left join ladder as l on l.rank = s.rank
    left join post_tenure as pt using (person_id)
),
by_post as (
    select *, coalesce(post_months > rank_months, false) as by_post,
    from post_months
),
tenure_start as (
    select * exclude (post_start),
           case when by_post then post_start else rank_start end as tenure_start,
           case when by_post then post_months else rank_months end as raw_months,
    from by_post
),
tenure as (
    -- the first assessment year of the tenure: the year it began if it began on or before the
    -- cutoff day (30 June) of that year, else the next year
    select t.*,
           year(t.tenure_start) + case when t.tenure_start > make_date(
               year(t.tenure_start), pr.cutoff_month, pr.cutoff_day) then 1 else 0 end as first_year,
    from tenure_start as t
    cross join params as pr
),
grade_kinds as (
    -- the five annual grades (an enum) with the rules' classes, so each assessment row is
    -- classed by a join on a five-row table instead of a list lookup per row
    select g.grade, g.grade = '优秀' as excellent,
           g.grade::varchar in (select value from rule_lists where name = 'promotion.uncounted_grades')
               as uncounted,
           g.grade::varchar in (select value from rule_lists where name = 'promotion.last_year_grades')
               as last_ok,
    from (select unnest(enum_range(null::annual_grade))::annual_grade as grade) as g
),
grade_classes as (
    -- which of the five grades (m0 … m4, annual_grade order) the rules leave uncounted
    select bool_or(uncounted and grade = '优秀') as u0, bool_or(uncounted and grade = '称职') as u1,
           bool_or(uncounted and grade = '基本称职') as u2, bool_or(uncounted and grade = '不称职') as u3,
           bool_or(uncounted and grade = '不定等次') as u4,
    from grade_kinds
),
graded as (
    -- each person's grade masks beside the tenure (a left join: one pass over the persons, not a
    -- join of the persons with the masks and then of the result back with the persons).
    -- years: the bits first_year − base .. year(as_of) − 1 − base (none when the tenure's first
    -- assessment year is year(as_of)); NULL without a next rank (no tenure is counted) or without
    -- masks. The masks start at base: the 126 years before year(d) from the records, 1950 from
    -- the stored table; every year a tenure can count lies in them.
    select t.*, g.m0, g.m1, g.m2, g.m3, g.m4,
           year(as_of::date) - 1 - g.base as last_bit,
           case when t.next_rank is null then null
                when t.first_year > year(as_of::date) - 1 then 0::hugeint
                else ((1::hugeint << (year(as_of::date) - g.base)::integer) - 1::hugeint)
                     & ~((1::hugeint << (greatest(t.first_year, g.base) - g.base)::integer) - 1::hugeint)
           end as years,
    from tenure as t
    left join eligibility_grade_masks(year(as_of::date) - 126) as g using (person_id)
),
tenure_years as (
    -- the assessment years of the tenure (first_year .. year(d) − 1, with a grade) and the grade
    -- of year(d) − 1, read from the masks: NULL (read as zeros and no last grade in checked) for
    -- a person without a next rank or without masks. A person with a grade only after
    -- year(d) − 1 gets zeros and no last grade, as a join of the grade rows would give.
    select y.* exclude (m0, m1, m2, m3, m4, last_bit, years),
           bit_count((y.m0 | y.m1 | y.m2 | y.m3 | y.m4) & y.years)::bigint as counted_years,
           bit_count(y.m0 & y.years)::bigint as excellent_years,
           bit_count((case when c.u0 then y.m0 else 0::hugeint end | case when c.u1 then y.m1 else 0::hugeint end
                      | case when c.u2 then y.m2 else 0::hugeint end | case when c.u3 then y.m3 else 0::hugeint end
                      | case when c.u4 then y.m4 else 0::hugeint end) & y.years)::bigint as uncounted_years,
           case when y.years is null then null
                when (y.m0 >> y.last_bit) & 1::hugeint = 1 then '优秀'
                when (y.m1 >> y.last_bit) & 1::hugeint = 1 then '称职'
                when (y.m2 >> y.last_bit) & 1::hugeint = 1 then '基本称职'
                when (y.m3 >> y.last_bit) & 1::hugeint = 1 then '不称职'
                when (y.m4 >> y.last_bit) & 1::hugeint = 1 then '不定等次'
           end::annual_grade as last_grade,
    from graded as y
    cross join grade_classes as c
),
blocking as (
    -- a blocking supervision in effect on d: held on or before d, effective until after d
    select person_id, arg_max(kind, effective_until) as blocking_kind,
           max(effective_until) as blocking_until,
    from supervision
    where kind::varchar in (select value from rule_lists where name = 'promotion.blocking_supervision')
      and held_on <= as_of and effective_until > as_of
    group by person_id
),
quota as (
    select unit_id, rank, min(max_count) as max_count,
    from quotas
    where year = year(as_of::date)
    group by unit_id, rank
),
county_quota as (
    -- per_county: each county's quotas over its jurisdiction (none otherwise)
    select q.county, q.rank::rank_name as rank, min(q.max_count) as max_count,
    from (select unnest(county_quotas::struct(county varchar, rank varchar, max_count bigint)[],
                        recursive := true)) as q
    where per_county
    group by q.county, q.rank
),
holders as (
    -- holders of each rank on d over the whole jurisdiction (per_county: over each county)
    select case when per_county then county_of(person_id) else '' end as county, rank,
           count(*) as holders,
    from snap
    where rank is not null
    group by all
),
unit_holders as (
    -- holders of each rank on d per unit (of the main current post), counted only for the
    -- (unit, rank) pairs with a unit quota: the only ones a unit quota check reads
    select s.unit_id, s.rank, count(*) as holders,
    from snap as s
    semi join quota as q on q.unit_id = s.unit_id and q.rank = s.rank
    where s.rank is not null and s.unit_id is not null
    group by s.unit_id, s.rank
),
checked as (
    select t.person_id, t.name, t.unit_id, t.rank_step, t.rank as current_rank,
           t.next_rank as next_rank, t.next_step, t.rank_months,
           case when t.alt_level is not null then coalesce(t.post_months, 0) end as post_months,
           case when t.rank is null then null when t.by_post then '职务' else '职级' end as tenure_basis,
           t.tenure_start, t.alt_level::varchar as alt_level,
           coalesce(t.counted_years, 0) as counted_years,
           coalesce(t.excellent_years, 0) as excellent_years,
           coalesce(t.uncounted_years, 0) as uncounted_years,
           case when t.next_rank is null then t.raw_months
                else t.raw_months - pr.uncounted_penalty * coalesce(t.uncounted_years, 0) end as tenure_months,
           t.raw_months,
           case when t.next_rank is not null
                then t.base_required - pr.excellent_cut * coalesce(t.excellent_years, 0) end as required_months,
           pr.last_year, t.last_grade as last_grade,
           coalesce(lk.last_ok, false) as grade_ok,
           b.blocking_kind, b.blocking_until,
           case when per_county then qc.max_count else qj.max_count end as quota_max,
           coalesce(hj.holders, 0) as quota_holders,
           qu.max_count as unit_quota_max, coalesce(hu.holders, 0) as unit_quota_holders,
           pr.excellent_cut, pr.uncounted_penalty,
    from tenure_years as t
    cross join params as pr
    left join grade_kinds as lk on lk.grade = t.last_grade
    left join blocking as b on b.person_id = t.person_id
    left join quota as qj on qj.unit_id is null and qj.rank = t.next_rank
    left join county_quota as qc on qc.county = county_of(t.person_id) and qc.rank = t.next_rank
    left join holders as hj
      on hj.county = case when per_county then county_of(t.person_id) else '' end
     and hj.rank = t.next_rank
    left join quota as qu on qu.unit_id = t.unit_id and qu.rank = t.next_rank
    left join unit_holders as hu on hu.unit_id = t.unit_id and hu.rank = t.next_rank
),
judged as (
    select *,
           next_rank is not null and tenure_months >= required_months as time_ok,
           (quota_max is null or quota_holders < quota_max)
               and (unit_quota_max is null or unit_quota_holders < unit_quota_max) as quota_room,
    from checked
),
final as (
    select
        person_id, name, unit_id, current_rank, next_rank, tenure_months, required_months,
        coalesce(time_ok and grade_ok and blocking_kind is null, false) as qualified,
        -- no next rank: no quota condition applies; no quota row: no limit (quota_ok true)
        (next_rank is null or quota_room) as quota_ok,
        coalesce(time_ok and grade_ok and blocking_kind is null, false)
            and (next_rank is null or quota_room) as eligible,
        case
            when current_rank is null then '尚未定级（试用期内或无职级记录）'
            when next_rank is null then '已达职级上限'
            else concat_ws('；',
                case when not time_ok then
                    case when tenure_basis = '职务' then '任' || alt_level || '及以上职务' else '任现职级' end
                    || years_months(raw_months)
                    || case when uncounted_years > 0 then
                           '（' || uncounted_years::varchar || '个年度考核不计算任职年限，计'
                           || years_months(tenure_months) || '）' else '' end
                    || '，需满' || years_months(required_months)
                    || case when excellent_years > 0 then
                           '（' || excellent_years::varchar || '个优秀年度已缩短'
                           || years_months(excellent_years * excellent_cut) || '）' else '' end
                end,
                case when last_grade is null then '缺少' || last_year::varchar || '年度考核结果'
                     when not grade_ok then last_year::varchar || '年度考核为' || last_grade::varchar end,
                case when blocking_kind is not null then
                    blocking_kind::varchar || '影响期未满（至' || strftime(blocking_until, '%Y-%m-%d') || '）' end,
                case when quota_max is not null and quota_holders >= quota_max then
                    '职数已满（' || next_rank::varchar || '现有' || quota_holders::varchar || '人，职数'
                    || quota_max::varchar || '）' end,
                case when unit_quota_max is not null and unit_quota_holders >= unit_quota_max then
                    '本单位职数已满（' || next_rank::varchar || '现有' || unit_quota_holders::varchar
                    || '人，职数' || unit_quota_max::varchar || '）' end
            )
        end as reasons,
        rank_step, next_step, rank_months, post_months, tenure_basis, tenure_start,
        counted_years, excellent_years, uncounted_years, time_ok, last_year, last_grade, grade_ok,
        blocking_kind, blocking_until, quota_max, quota_holders, unit_quota_max, unit_quota_holders,
        case when next_rank is not null then
            (tenure_start + to_months(greatest(required_months + uncounted_penalty * uncounted_years, 0)::integer))::date
        end as time_met_on,
        case when next_rank is not null then greatest(required_months - tenure_months, 0) end
            as months_to_eligible,
    from judged
)
select * from final;

-- The name the queries call, pointing at the computation above until the query layer points it
-- at the rows held for a date (pipeline/use_eligibility_held.sql) and back
-- (pipeline/use_eligibility_live.sql, the same definition as this one).
create or replace temp macro eligibility_on(as_of, units := null, counties := null, per_county := false,
                                            county_quotas := null) as table
    select * from eligibility_on_live(as_of, units := units, counties := counties,
                                      per_county := per_county, county_quotas := county_quotas);
