// `npm run db:migrate`: create the database if absent, then apply pending migrations.
import { loadConfig } from '@vigil/config';
import { ContactCipher } from './contact-cipher';
import { migrate } from './migrate';

async function main(): Promise<void> {
  const config = loadConfig();
  const applied = await migrate(config, { contactCipher: ContactCipher.fromConfig(config) });
  const where = new URL(config.databaseUrl);
  where.password = '';
  process.stdout.write(
    applied.length
      ? `Applied ${applied.length} migration(s) to ${where.host}${where.pathname}: ${applied.join(', ')}\n`
      : `Database ${where.host}${where.pathname} is up to date.\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`Migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
