-- evaluation/age_group.sql — the age group of an age, in four bands tied to the young limit
-- `lim` (pass rules general.young_age_limit, default 40): under lim−10, lim−10…lim−6,
-- lim−5…lim−1, lim and over (default: 30岁以下, 30–34岁, 35–39岁, 40岁及以上).
-- Scalar macro eval_age_group(age, lim) -> VARCHAR (NULL for a NULL age).
create or replace temp macro eval_age_group(age, lim) as (
    case
        when age is null then null
        when age < lim - 10 then printf('%d岁以下', lim - 10)
        when age < lim - 5 then printf('%d–%d岁', lim - 10, lim - 6)
        when age < lim then printf('%d–%d岁', lim - 5, lim - 1)
        else printf('%d岁及以上', lim)
    end
);
