import { Transform } from 'class-transformer';

const trimmed = (value: unknown): unknown => (typeof value === 'string' ? value.trim() : value);

/** Strings (and strings in arrays) are trimmed before validation; other types pass through to fail validation. */
export const Trim = () => Transform(({ value }) => (Array.isArray(value) ? value.map(trimmed) : trimmed(value)));

/** BCP 47 language tags such as `ar`, `en-GB`, `zh-Hant-TW`. */
export const LANGUAGE_TAG = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8}){0,3}$/;
