-- importer/identity.sql — well-formed identity numbers that disagree with their person's record:
-- digits 7–14 are the birth date (compared by year and month when 出生年月 gives only a month,
-- i.e. falls on the 1st), digit 17 is odd for 男 and even for 女. The number is shown masked.
-- The filter on well-formed numbers may run after the projection (the planner's choice), so
-- nothing here may fail on a malformed one: try_cast, not cast.
-- Grain: one row per disagreeing person row, in the shape of temp table import_errors.
with checked as (
    select
        _src,
        _row,
        id_number,
        case
            when birth_date is not null and (
                case when day(birth_date) = 1
                    then strftime(birth_date, '%Y%m') <> substr(id_number, 7, 6)
                    else strftime(birth_date, '%Y%m%d') <> substr(id_number, 7, 8)
                end)
                then '身份证号中的出生日期与出生年月不符'
            when gender is not null
                and (try_cast(substr(id_number, 17, 1) as integer) % 2 = 1) <> (gender = '男')
                then '身份证号显示的性别与性别不符'
        end as reason,
    from stg_persons
    where id_number is not null and qm_id_problem(id_number) is null
)
select _src, _row, 'id_number' as col, qm_mask(id_number) as value, '身份证号不符' as kind, reason,
from checked
where reason is not null
