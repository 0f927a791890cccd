import { Type } from '@sinclair/typebox';
import { DeletedSchema, FavouritePageSchema, FavouriteSchema } from '../../shared/protocol/schemas.js';
import { op } from '../operation.js';

const Id = Type.Integer({ minimum: 1 });

/** Favourites (收藏): star, list and search, unstar (core/favourites/service.ts). Forwarding one again is msg.send with its body. */
export const favouriteOperations = {
  'fav.add': op({
    http: ['POST', '/api/v1/favourites'], auth: 'user',
    summary: 'Star a message I can read (conv_id and seq) or a file I can read (file_id); a copy is kept. Starring it again returns the same one',
    params: Type.Object({
      conv_id: Type.Optional(Id), seq: Type.Optional(Type.Integer({ minimum: 1 })), file_id: Type.Optional(Id),
    }),
    result: FavouriteSchema,
    handler: (s, a, p) => s.favourites.add(a, p),
  }),
  'fav.remove': op({
    http: ['DELETE', '/api/v1/favourites/:fav_id'], auth: 'user', summary: 'Unstar one of my favourites (deleted false when it already was)',
    params: Type.Object({ fav_id: Id }), result: DeletedSchema,
    handler: (s, a, p) => s.favourites.remove(a, p),
  }),
  'fav.list': op({
    http: ['GET', '/api/v1/favourites'], auth: 'user', summary: 'My favourites, newest first, optionally searched by text',
    params: Type.Object({
      before: Type.Optional(Type.Integer({ minimum: 1, description: 'favourites with id < before (the last id of the previous page)' })),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'default 30' })),
      q: Type.Optional(Type.String({ maxLength: 100, description: 'text or file name contains this (case-insensitive)' })),
    }),
    result: FavouritePageSchema,
    handler: (s, a, p) => s.favourites.list(a, p),
  }),
};
