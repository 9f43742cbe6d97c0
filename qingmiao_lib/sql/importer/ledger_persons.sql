-- importer/ledger_persons.sql — the person of every ledger row named by 姓名 + 单位 and/or
-- 出生年月 (and 性别 where written).
-- Inputs: temp table _led (_sheet, _row, name, birth, gender: cells as written; unit_id: the
-- unit written, resolved, or ''; year: the row's year as written, or ''); _known (person_id, nm,
-- gender, birth: the database's persons and this import's); _pu (person_id, unit_id, s, e: the
-- posts of the database and of this import).
-- Rule: the candidates are the known persons of the same name, birth month (when written) and
-- gender (when written). With a unit, a candidate holding a post in it during the ledger's year
-- (or now, for a ledger without a year) comes first; failing any, one who ever held a post there.
-- Exactly one candidate → 'ok'; several → 'ambiguous'; none → 'unknown'.
-- Grain: one row per _led row.
with l as (
    select _sheet, _row, qm_name_key(name) as nm, date_trunc('month', qm_date(nullif(birth, ''))) as birth_month,
           nullif(gender, '') as gender, nullif(unit_id, '') as unit_id, qm_int(nullif(year, '')) as year,
    from _led
),
c as (
    select
        l._sheet,
        l._row,
        k.person_id,
        l.unit_id is null or exists (
            select 1 from _pu as u
            where u.person_id = k.person_id and u.unit_id = l.unit_id
              and (case when l.year is null then u.e is null
                        else u.s <= make_date(l.year, 12, 31) and coalesce(u.e, date '9999-12-31') > make_date(l.year, 1, 1)
                   end)) as now,
        l.unit_id is null or exists (
            select 1 from _pu as u where u.person_id = k.person_id and u.unit_id = l.unit_id) as ever,
    from l
    join _known as k
        on k.nm = l.nm
        and (l.birth_month is null or date_trunc('month', k.birth) = l.birth_month)
        and (l.gender is null or k.gender = l.gender)
),
n as (
    select _sheet, _row,
           count(*) filter (where now) as n_now, min(person_id) filter (where now) as p_now,
           count(*) filter (where ever) as n_ever, min(person_id) filter (where ever) as p_ever,
    from c
    group by all
),
final as (
    select
        l._sheet,
        l._row,
        case when n.n_now = 1 then n.p_now when coalesce(n.n_now, 0) = 0 and n.n_ever = 1 then n.p_ever end as person_id,
        case
            when n.n_now = 1 or (coalesce(n.n_now, 0) = 0 and n.n_ever = 1) then 'ok'
            when n.n_now > 1 or n.n_ever > 1 then 'ambiguous'
            else 'unknown'
        end as how,
        greatest(coalesce(n.n_now, 0), coalesce(n.n_ever, 0)) as n,
    from l
    left join n on n._sheet = l._sheet and n._row = l._row
)
select * from final
