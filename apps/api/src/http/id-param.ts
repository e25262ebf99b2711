import { Param, ParseUUIDPipe } from '@nestjs/common';

/** The route's `:id`, a UUID; anything else names nothing, so it is a 404 (API.md), never a 400 or a database error. */
export const IdParam = (): ParameterDecorator => Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 404 }));
