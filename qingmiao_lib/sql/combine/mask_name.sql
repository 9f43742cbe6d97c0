-- combine/mask_name.sql — mask_name(name): a person's name as lists show it unless unmasked
-- (privacy.mask_name in SQL): 张三 → 张*, 张小明 → 张*明, 欧阳小明 → 欧**明; one character or
-- none stays as it is. A temporary macro, so read-only connections can define it.
create or replace temp macro mask_name(name) as
    case when length(trim(coalesce(name, ''))) <= 1 then trim(coalesce(name, ''))
         when length(trim(name)) = 2 then left(trim(name), 1) || '*'
         else left(trim(name), 1) || repeat('*', length(trim(name)) - 2) || right(trim(name), 1)
    end;
