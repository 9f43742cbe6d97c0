-- shortlist/list.sql — the shortlist on a date with a Chinese reason per criterion (SPEC §9
-- *Shortlist*): shortlist_ranked, then the rank and unit filters (applied after the ordering,
-- so a unit's rows keep their place and verdict in the jurisdiction's competition).
-- Grain: one row per candidate, ordered by next rank then position.
-- Parameters: $as_of (DATE), $recommended (VARCHAR[] of person_id, NULL = no 一推 list),
--   $rank (VARCHAR next rank, NULL = all), $units (VARCHAR[] of unit_id, NULL = all), $county
--   (VARCHAR county code of a combined database: that county's competition, as its own database
--   runs it; NULL = the whole database), $county_quotas (that county's rows of the table
--   county_quotas for year($as_of), a list of STRUCT(county, rank, max_count); NULL without).
-- Columns: person_id, name, unit_id, unit_name, current_rank, next_rank, position, place_rank,
--   place_text ('第3名' / '并列第3名'), suggested, status (建议人选 / 备选 and why), tied_at_cut,
--   heavy_years, heavy_tasks, heavy_months, heavy_reason, frontline_years, frontline_months,
--   frontline_reason, left_leadership, left_level, left_on, left_reason, excellent_years,
--   excellent_reason, tenure_months, tenure_basis, tenure_reason, birth_date, age, age_reason,
--   retirement_date (statutory; a status within 12 months of as_of says so), quota, holders, places, unit_quota, unit_holders, unit_places, then next_step.
with
params as (
    select rule_num('shortlist.left_leadership_window_months')::integer as window_months,
           coalesce((select string_agg(value, '、' order by rowid) from rule_lists
                     where name = 'shortlist.frontline_unit_kinds'), '') as unit_kinds,
           coalesce((select string_agg(value, '、' order by rowid) from rule_lists
                     where name = 'shortlist.frontline_programs'), '') as programs,
           coalesce((select string_agg(value, '、' order by rowid) from rule_lists
                     where name = 'shortlist.heavy_task_programs'), '') as heavy_programs,
),
picked as (
    select r.*, u.name as unit_name, case when r.unit_quota is not null then u.name end as quota_unit_name,
    from shortlist_ranked($as_of::date, $recommended::varchar[], for_rank := $rank::varchar,
                          for_county := $county::varchar, county_quotas := $county_quotas) as r
    left join units as u using (unit_id)
    where ($rank is null or r.next_rank::varchar = $rank)
      and ($units is null or list_contains($units::varchar[], r.unit_id))
),
final as (
    select
        p.person_id, p.name, p.unit_id, p.unit_name, p.current_rank::varchar as current_rank,
        p.next_rank::varchar as next_rank, p.position, p.place_rank,
        case when p.shares_place then '并列第' else '第' end || p.place_rank::varchar || '名' as place_text,
        p.suggested,
        case
            when p.suggested then '建议人选'
            when not p.unit_ok then '备选：' || coalesce(p.quota_unit_name, p.unit_id) || p.next_rank::varchar
                 || '职数空缺' || p.unit_places::varchar || '个，由本单位排序在前者使用'
            when p.quota is not null then '备选：全辖区' || p.next_rank::varchar || '职数空缺'
                 || p.places::varchar || '个，由排序在前者使用'
            else '备选：' || p.next_rank::varchar || '未核定职数，仅作排序'
        end || case when p.tied_at_cut then '（与分界处人选排序条件相同，需集体研究）' else '' end
            || case when p.retirement_date <= $as_of + interval 12 month
                    then '（注意：' || strftime(p.retirement_date, '%Y年%-m月%-d日') || '法定退休）' else '' end
            as status,
        p.tied_at_cut,
        p.heavy_years, p.heavy_tasks, p.heavy_months,
        case when p.heavy_years = 0 then '无急难险重任务或任务繁重岗位（' || pr.heavy_programs || '）记录'
             else p.heavy_years::varchar || '个年度承担急难险重任务或在任务繁重岗位工作'
                  || coalesce('（' || nullif(concat_ws('，',
                        case when p.heavy_tasks > 0 then '急难险重任务' || p.heavy_tasks::varchar || '项' end,
                        case when p.heavy_months > 0 then pr.heavy_programs || '实践锻炼' || years_months(p.heavy_months) end
                     ), '') || '）', '')
        end as heavy_reason,
        p.frontline_years, p.frontline_months,
        case when p.frontline_months = 0 then '无一线工作记录（' || concat_ws('、', nullif(pr.unit_kinds, ''),
                                                                       nullif(pr.programs, '')) || '）'
             else '一线工作累计' || years_months(p.frontline_months)
                  || coalesce('（' || nullif(concat_ws('、',
                        case when p.by_unit then pr.unit_kinds || '单位' end,
                        case when p.by_program then pr.programs || '实践锻炼' end), '') || '）', '')
                  || '，计' || p.frontline_years::varchar || '年'
        end as frontline_reason,
        p.left_leadership, p.left_level::varchar as left_level, p.left_on,
        case when p.left_on is null then '近' || pr.window_months::varchar || '个月未退出领导岗位'
             when p.left_excluded then strftime(p.left_on, '%Y年%-m月') || '免去' || p.left_level::varchar
                  || '职务，其间有组织处理或处分，不作为因组织需要退出领导岗位'
             else strftime(p.left_on, '%Y年%-m月') || '退出' || p.left_level::varchar || '领导岗位'
        end as left_reason,
        p.excellent_years,
        case when p.excellent_years = 0 then '任职年限内无优秀年度'
             else '任职年限内' || p.excellent_years::varchar || '个年度考核优秀' end as excellent_reason,
        p.tenure_months, p.tenure_basis,
        case when p.tenure_basis = '职务' then '按领导职务任职时间计' else '任现职级' end
            || years_months(p.tenure_months) as tenure_reason,
        p.birth_date, p.age,
        p.age::varchar || '岁（' || strftime(p.birth_date, '%Y年%-m月') || '出生）' as age_reason,
        p.retirement_date,
        p.quota, p.holders, p.places, p.unit_quota, p.unit_holders, p.unit_places, p.next_step,
    from picked as p
    cross join params as pr
)
select * from final
order by next_step, position;
