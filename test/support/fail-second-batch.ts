import {query} from './lost-server.js'
import type {EngineName} from './engines.js'

/**
 * Makes the second UPDATE statement on VariableSet fail, after the first batch was written: a PL/pgSQL trigger,
 * or a T-SQL one counting in a table (the count's change is rolled back with everything else). The T-SQL trigger sets
 * NOCOUNT, as triggers are written: otherwise its own UPDATE adds to the rows the batch reports changed.
 */
export async function failSecondBatch(url: string, engine: EngineName): Promise<void> {
  if (engine === 'mssql') {
    await query(url, 'CREATE TABLE "FailAfter" ("Batches" int NOT NULL)')
    await query(url, 'INSERT INTO "FailAfter" ("Batches") VALUES (0)')
    await query(
      url,
      `CREATE TRIGGER "FailSecondBatch" ON "VariableSet" AFTER UPDATE AS
       BEGIN
         SET NOCOUNT ON;
         UPDATE "FailAfter" SET "Batches" = "Batches" + 1;
         IF (SELECT "Batches" FROM "FailAfter") >= 2 THROW 50000, 'injected failure on batch 2', 1;
       END`,
    )
    return
  }

  await query(
    url,
    `CREATE SEQUENCE fail_after;
     CREATE FUNCTION fail_second_batch() RETURNS trigger AS $$
     BEGIN IF nextval('fail_after') >= 2 THEN RAISE EXCEPTION 'injected failure on batch 2'; END IF; RETURN NULL; ` +
      `END $$ LANGUAGE plpgsql;
     CREATE TRIGGER fail_second_batch AFTER UPDATE ON "VariableSet" FOR EACH STATEMENT EXECUTE FUNCTION ` +
      `fail_second_batch();`,
  )
}
