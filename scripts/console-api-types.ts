// `npm run console:api-types`: regenerates apps/console/src/api/schema.d.ts from the API's OpenAPI document. Needs
// PostgreSQL and Redis (it starts a throwaway API, as the tests do, and removes it).
import { writeFileSync } from 'node:fs';
import { apiTypesSource, CONSOLE_API_TYPES_FILE, fetchApiDocument } from '../test/support/console-api-types';

void (async () => {
  writeFileSync(CONSOLE_API_TYPES_FILE, apiTypesSource(await fetchApiDocument()));
  console.log(`wrote ${CONSOLE_API_TYPES_FILE}`);
})();
