-- pipeline/years_months.sql — years_months(m): a month count as cadre records write it.
-- A scalar macro for the Chinese reasons of the eligibility list: 33 → '2年9个月', 36 → '3年',
-- 9 → '9个月', 0 or less → '0个月'.
create or replace temp macro years_months(m) as (
    case
        when m is null then null
        when m <= 0 then '0个月'
        when m < 12 then m::varchar || '个月'
        when m % 12 = 0 then (m // 12)::varchar || '年'
        else (m // 12)::varchar || '年' || (m % 12)::varchar || '个月'
    end
);
