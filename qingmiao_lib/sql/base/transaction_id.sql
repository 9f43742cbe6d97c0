-- base/transaction_id.sql — the id of the transaction this statement runs in: one per statement
-- outside an explicit transaction, the same for every statement inside one. Read before and after
-- the area macros are made (qingmiao_lib._macros): the same id twice means they were made inside
-- a transaction, and are gone if it is rolled back.
-- Grain: one row. Columns: id (UBIGINT).
select txid_current() as id;
