import { readFileSync } from 'node:fs';
import { apiTypesSource, CONSOLE_API_TYPES_FILE, fetchApiDocument } from '../support/console-api-types';

describe('the console’s API types', () => {
  it('are what the API’s OpenAPI document gives now (after a DTO change: npm run console:api-types)', async () => {
    const generated = apiTypesSource(await fetchApiDocument());
    expect(readFileSync(CONSOLE_API_TYPES_FILE, 'utf8')).toBe(generated);
  });

  it('describe the review responses with their enums, not as untyped objects', () => {
    const types = readFileSync(CONSOLE_API_TYPES_FILE, 'utf8');
    expect(types).toMatch(/CaseStatus: "open" \| "in_review" \| "escalated" \| "decided" \| "closed" \| "appealed";/);
    expect(types).toMatch(
      /CaseDetailDto: \{[^}]*priorityBreakdown: components\["schemas"\]\["PriorityFactorDto"\]\[\];/,
    );
  });
});
