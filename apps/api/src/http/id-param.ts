import { Param, ParseUUIDPipe } from '@nestjs/common';

/**
 * A route parameter that is a UUID; anything else names nothing, so it is a 404 (API.md), never a 400 or a database
 * error.
 */
export const UuidParam = (name: string): ParameterDecorator =>
  Param(name, new ParseUUIDPipe({ errorHttpStatusCode: 404 }));

/** The route's `:id`. */
export const IdParam = (): ParameterDecorator => UuidParam('id');
