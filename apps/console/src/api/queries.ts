// One TanStack Query hook per resource (STYLE.md): pages call these and never build a URL.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { unwrap } from './errors';
import type { components, operations } from './schema';

export type Schemas = components['schemas'];
export type CaseSummary = Schemas['CaseSummaryDto'];
export type CaseDetail = Schemas['CaseDetailDto'];
export type CaseFilters = NonNullable<operations['CasesController_list']['parameters']['query']>;
export type Decision = Schemas['DecisionDto'];
export type LinkedChannel = Schemas['LinkedChannelDto'];
export type Evidence = Schemas['EvidenceViewDto'];
export type ReportInput = Schemas['SubmitReportDto'];
export type AuditFilters = NonNullable<operations['AuditController_list']['parameters']['query']>;
export type IncidentStatus = Schemas['IncidentDto']['status'];

const keys = {
  cases: (filters: CaseFilters) => ['cases', filters] as const,
  case: (id: string) => ['case', id] as const,
  appeals: ['appeals'] as const,
  audit: (filters: AuditFilters) => ['audit', filters] as const,
  incidents: ['incidents'] as const,
  evidence: (id: string) => ['evidence', id] as const,
};

export function useLogin() {
  return useMutation({
    mutationFn: (body: Schemas['LoginDto']) => unwrap(api.POST('/v1/auth/login', { body })),
  });
}

export function useCases(filters: CaseFilters) {
  return useInfiniteQuery({
    queryKey: keys.cases(filters),
    queryFn: ({ pageParam }) =>
      unwrap(api.GET('/v1/cases', { params: { query: { ...filters, limit: 100, cursor: pageParam } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    refetchInterval: 15_000,
  });
}

export function useCase(id: string) {
  return useQuery({
    queryKey: keys.case(id),
    queryFn: () => unwrap(api.GET('/v1/cases/{id}', { params: { path: { id } } })),
  });
}

/** Claims the next case; resolves to null when nothing is claimable (204). */
export function useClaimNext() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: Schemas['ClaimNextDto']) => (await unwrap(api.POST('/v1/review/claim', { body }))) ?? null,
    onSuccess: (claimed) => {
      if (claimed) client.setQueryData(keys.case(claimed.id), claimed);
      void client.invalidateQueries({ queryKey: ['cases'] });
    },
  });
}

export function useClaimCase(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/v1/cases/{id}/claim', { params: { path: { id } } })),
    onSuccess: (claimed) => client.setQueryData(keys.case(id), claimed),
  });
}

export function useBulkDecide() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas['BulkDecisionDto']) => unwrap(api.POST('/v1/cases/bulk-decisions', { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['cases'] }),
  });
}

/**
 * Confirms or rejects a link that triage suggested, through the case's channel (`channelId`). The answer replaces the
 * link in the cached case at once; the case is read again after either outcome, since a confirmation moves its
 * priority and SLA and a 409 means the link changed under the moderator.
 */
export function useReviewLink(caseId: string, channelId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ linkId, verdict, note }: { linkId: string; verdict: 'confirm' | 'reject'; note: string }) => {
      const options = { params: { path: { id: channelId, linkId } }, body: note.trim() ? { note } : {} };
      return unwrap(
        verdict === 'confirm'
          ? api.POST('/v1/channels/{id}/links/{linkId}/confirm', options)
          : api.POST('/v1/channels/{id}/links/{linkId}/reject', options),
      );
    },
    onSuccess: (link) =>
      client.setQueryData(
        keys.case(caseId),
        (detail: CaseDetail | undefined) =>
          detail && {
            ...detail,
            linkedChannels: detail.linkedChannels.map((old) => (old.id === link.id ? link : old)),
          },
      ),
    onSettled: () => client.invalidateQueries({ queryKey: keys.case(caseId) }),
  });
}

// An evidence file's bytes (they need the bearer token, so no plain <img src> or link can fetch them). Every fetch is
// audited evidence.viewed, so a file is fetched once per page and kept while the page shows it.
const evidenceFile = (id: string) => ({
  queryKey: keys.evidence(id),
  queryFn: () => unwrap(api.GET('/v1/evidence/{id}', { params: { path: { id } }, parseAs: 'blob' })) as Promise<Blob>,
  staleTime: Infinity,
});

/** An evidence image's bytes, to show from an object URL. */
export function useEvidenceFile(id: string) {
  return useQuery(evidenceFile(id));
}

/** An evidence file's bytes on demand (the Download button). */
export function useEvidenceDownload() {
  const client = useQueryClient();
  return useMutation({ mutationFn: (id: string) => client.fetchQuery(evidenceFile(id)) });
}

export function useRenewLease(id: string) {
  return useMutation({
    mutationFn: () => unwrap(api.POST('/v1/cases/{id}/lease/renew', { params: { path: { id } } })),
  });
}

export function useReleaseLease(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/v1/cases/{id}/lease/release', { params: { path: { id } } })),
    onSettled: () => client.invalidateQueries({ queryKey: keys.case(id) }),
  });
}

export function useRecordDecision(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Decision) => unwrap(api.POST('/v1/cases/{id}/decisions', { params: { path: { id } }, body })),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: keys.case(id) });
      void client.invalidateQueries({ queryKey: ['cases'] });
    },
  });
}

export function useSubmitReport() {
  return useMutation({ mutationFn: (body: ReportInput) => unwrap(api.POST('/v1/reports', { body })) });
}

export function useReportStatus() {
  return useMutation({
    mutationFn: ({ id, token }: { id: string; token: string }) =>
      unwrap(api.GET('/v1/reports/{id}', { params: { path: { id }, header: { 'X-Tracking-Token': token } } })),
  });
}

export function useFileAppeal() {
  return useMutation({ mutationFn: (body: Schemas['FileAppealDto']) => unwrap(api.POST('/v1/appeals', { body })) });
}

export function useOpenAppeals() {
  return useQuery({
    queryKey: keys.appeals,
    queryFn: () => unwrap(api.GET('/v1/appeals', { params: { query: { status: 'open', limit: 200 } } })),
  });
}

export function useResolveAppeal(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas['ResolveAppealDto']) =>
      unwrap(api.POST('/v1/appeals/{id}/resolve', { params: { path: { id } }, body })),
    // The resolved appeal replaces the open one in the cached list, so its page can still show the outcome.
    onSuccess: (resolved) =>
      client.setQueryData(
        keys.appeals,
        (page: Schemas['AppealPageDto'] | undefined) =>
          page && { ...page, items: page.items.map((item) => (item.id === resolved.id ? resolved : item)) },
      ),
  });
}

export function useAuditEvents(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: keys.audit(filters),
    queryFn: ({ pageParam }) =>
      unwrap(api.GET('/v1/audit', { params: { query: { ...filters, limit: 100, cursor: pageParam } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

export function useVerifyAudit() {
  return useMutation({ mutationFn: () => unwrap(api.GET('/v1/audit/verify', { params: { query: {} } })) });
}

export function useLatestCheckpoint() {
  return useQuery({
    queryKey: ['checkpoint'],
    queryFn: () => unwrap(api.GET('/v1/audit/checkpoints/latest')),
    retry: false,
  });
}

/** What proves one sealed event is in the log Vigil signed: the signed note, the verifier key, the event, its path. */
export interface EventProof {
  seq: number;
  note: string;
  verifierKey: string;
  canonical: string;
  leafIndex: number;
  hashes: string[];
}

/** The pieces of an event's inclusion proof, fetched on demand; the page checks them itself (libs/audit's verifier). */
export function useProveEvent() {
  return useMutation({
    mutationFn: async (seq: number): Promise<EventProof> => {
      const [note, verifierKey, event] = await Promise.all([
        unwrap(api.GET('/v1/audit/tree/checkpoint', { parseAs: 'text' })) as Promise<string>,
        unwrap(api.GET('/v1/audit/tree/verifier-key', { parseAs: 'text' })) as Promise<string>,
        unwrap(api.GET('/v1/audit/events/{seq}', { params: { path: { seq: String(seq) } } })),
      ]);
      // The proof is asked for the size the signed note vouches for (its second line), never a size of our choosing.
      const treeSize = note.split('\n')[1] ?? '';
      const proof = await unwrap(
        api.GET('/v1/audit/tree/inclusion', { params: { query: { seq: String(seq), treeSize } } }),
      );
      return { seq, note, verifierKey, canonical: event.canonical, leafIndex: proof.leafIndex, hashes: proof.hashes };
    },
  });
}

export function useUsers() {
  return useQuery({ queryKey: ['users'], queryFn: () => unwrap(api.GET('/v1/admin/users')) });
}

export function useCreateUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas['CreateUserDto']) => unwrap(api.POST('/v1/admin/users', { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['users'] }),
  });
}

export function useUpdateUser() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: Schemas['UpdateUserDto'] & { id: string }) =>
      unwrap(api.PATCH('/v1/admin/users/{id}', { params: { path: { id } }, body })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['users'] }),
  });
}

export function useApiKeys() {
  return useQuery({ queryKey: ['api-keys'], queryFn: () => unwrap(api.GET('/v1/admin/api-keys')) });
}

export function useCreateApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas['CreateApiKeyDto']) => unwrap(api.POST('/v1/admin/api-keys', { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['api-keys'] }),
  });
}

/**
 * Opens Bull Board (/admin/queues, admins): the API sets a short-lived cookie for the board alone, since a page
 * navigation cannot carry the bearer token. Resolves to where the board is.
 */
export function useOpenQueueBoard() {
  return useMutation({
    mutationFn: () => unwrap(api.POST('/v1/admin/queues/board-session')),
  });
}

export function useRevokeApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE('/v1/admin/api-keys/{id}', { params: { path: { id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['api-keys'] }),
  });
}

/** Incidents, newest first; their figures (reports, cases, decided) are live, so the list is read again often. */
export function useIncidents(status: IncidentStatus | undefined) {
  return useInfiniteQuery({
    queryKey: [...keys.incidents, status],
    queryFn: ({ pageParam }) =>
      unwrap(api.GET('/v1/incidents', { params: { query: { status, limit: 100, cursor: pageParam } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    refetchInterval: 5_000,
  });
}

export function useDeclareIncident() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas['DeclareIncidentDto']) => unwrap(api.POST('/v1/incidents', { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: keys.incidents }),
  });
}

export function useCloseIncident() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => unwrap(api.POST('/v1/incidents/{id}/close', { params: { path: { id } } })),
    onSettled: () => client.invalidateQueries({ queryKey: keys.incidents }),
  });
}

export type TransparencyRange = { from: string; to: string };

export function useTransparency(range: TransparencyRange) {
  return useQuery({
    queryKey: ['transparency', range],
    queryFn: () => unwrap(api.GET('/v1/transparency', { params: { query: range } })),
  });
}

/** The NDJSON export as a Blob (it needs the bearer token, so a plain link cannot fetch it). */
export function useStatementsExport() {
  return useMutation({
    mutationFn: (range: TransparencyRange) =>
      unwrap(
        api.GET('/v1/exports/statements-of-reasons', { params: { query: range }, parseAs: 'blob' }),
      ) as Promise<Blob>,
  });
}
