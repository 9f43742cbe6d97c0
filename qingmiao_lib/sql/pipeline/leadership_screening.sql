-- pipeline/leadership_screening.sql — leadership-post promotion screening (选拔任用) on a date:
-- who meets the time conditions for the next post level (rules [posts]; reg §5):
--   无 → first leadership level: ≥ first_leadership_years of work;
--   deputy → principal of the same grade (副职 → 正职): ≥ deputy_to_principal_years in the post;
--   principal → next grade's deputy (正职 → 副职 above): ≥ principal_to_next_years in the post;
--   any 县处级 target: also ≥ county_level_min_work_years of work (工龄);
-- and no blocking supervision in effect (rules promotion.blocking_supervision).
-- Work years run from work_start_date (参加工作时间), else entry_date; years in post from the
-- start of the current main post (person_snapshot).
-- Grain: one row per person active on $as_of below the top post level (in $units when given).
-- Parameters: $as_of (DATE), $units (VARCHAR[] of unit_id, NULL = all), $counties
--   (VARCHAR[] of county codes, county_of(person_id): a combined database's; NULL = all).
-- Columns: person_id, name, unit_id, unit_name, current_level, next_level, post_months,
--   required_post_months, work_months, required_work_months, meets, reasons. current_level and
--   next_level stay post_level enums: Arrow hands them over as small dictionaries, not one string
--   per row (pipeline._frame turns them into the same object strings).
with
params as (
    select rule_num('posts.deputy_to_principal_years') * 12 as deputy_months,
           rule_num('posts.principal_to_next_years') * 12 as principal_months,
           rule_num('posts.first_leadership_years') * 12 as first_months,
           rule_num('posts.county_level_min_work_years') * 12 as county_work_months,
),
snap as (
    -- work_start_date and entry_date are the persons columns, carried by the snapshot
    select s.person_id, s.name, s.unit_id, s.level, s.level_step, s.level_months,
           full_months(coalesce(s.work_start_date, s.entry_date), $as_of::date) as work_months,
    from person_snapshot_at($as_of::date) as s
    where s.active and ($units is null or list_contains($units::varchar[], s.unit_id))
      and ($counties::varchar[] is null or list_contains($counties::varchar[], county_of(s.person_id)))
),
blocking as (
    select person_id, arg_max(kind::varchar, effective_until) as blocking_kind,
           max(effective_until) as blocking_until,
    from supervision
    where kind::varchar in (select value from rule_lists where name = 'promotion.blocking_supervision')
      and held_on <= $as_of::date and effective_until > $as_of::date
    group by person_id
),
required as (
    select s.*, nxt.level as next_level, b.blocking_kind, b.blocking_until,
           case when s.level_step = 0 then null
                when s.level::varchar like '%副职' then pr.deputy_months
                else pr.principal_months end::integer as required_post_months,
           case when s.level_step = 0 and nxt.level::varchar like '县处级%'
                then greatest(pr.first_months, pr.county_work_months)
                when s.level_step = 0 then pr.first_months
                when nxt.level::varchar like '县处级%' then pr.county_work_months end::integer
               as required_work_months,
    from snap as s
    join rule_levels as nxt on nxt.step = s.level_step + 1
    left join blocking as b using (person_id)
    cross join params as pr
),
final as (
    select r.person_id, r.name, r.unit_id, u.name as unit_name, r.level as current_level,
           r.next_level, case when r.level_step > 0 then r.level_months end as post_months,
           r.required_post_months, r.work_months, r.required_work_months,
           coalesce(r.level_months >= r.required_post_months, true)
               and coalesce(r.work_months >= r.required_work_months, true)
               and r.blocking_kind is null as meets,
           concat_ws('；',
               case when r.level_months < r.required_post_months then
                   '任' || r.level::varchar || years_months(r.level_months) || '，需满'
                   || years_months(r.required_post_months) end,
               case when r.work_months < r.required_work_months then
                   '工作' || years_months(r.work_months) || '，需满' || years_months(r.required_work_months) end,
               case when r.blocking_kind is not null then
                   r.blocking_kind || '影响期未满（至' || strftime(r.blocking_until, '%Y-%m-%d') || '）' end
           ) as reasons,
           r.level_step,
    from required as r
    left join units as u on u.unit_id = r.unit_id
)
select * exclude (level_step)
from final
order by unit_id nulls last, level_step desc, person_id;
