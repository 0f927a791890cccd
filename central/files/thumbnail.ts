import sharp from 'sharp';
import type { Thumbnailer } from '../../core/ports.js';

/** The image types central makes thumbnails for. */
export const THUMBNAIL_MIME = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif']);

export interface ThumbnailLimits {
  /** Longest side of the thumbnail, in pixels. */
  maxSide: number;
  /** Images whose header announces more pixels than this are refused before decoding (decompression bombs). */
  maxInputPixels: number;
}

export const DEFAULT_THUMBNAIL_LIMITS: ThumbnailLimits = { maxSide: 320, maxInputPixels: 40_000_000 };

export interface Thumbnail {
  /** JPEG bytes with no metadata (EXIF, GPS, ICC profile names are dropped). */
  bytes: Buffer;
  width: number;
  height: number;
  /** Dimensions of the original, so that a list can reserve the space before the image loads. */
  sourceWidth: number;
  sourceHeight: number;
}

/**
 * A bounded thumbnail of an uploaded image: the pixel count is checked from the
 * header before decoding, only the first frame of an animation is read, the
 * orientation tag is applied and then dropped with the rest of the metadata.
 * Throws when the image is too large or not an image sharp can read.
 */
export async function makeThumbnail(input: Buffer, limits: ThumbnailLimits = DEFAULT_THUMBNAIL_LIMITS): Promise<Thumbnail> {
  const options = { limitInputPixels: limits.maxInputPixels, failOn: 'error' as const, animated: false };
  const meta = await sharp(input, options).metadata();
  if (!meta.width || !meta.height) throw new Error('Image has no dimensions');
  if (meta.width * meta.height > limits.maxInputPixels) throw new Error('Input image exceeds pixel limit');
  const turned = (meta.orientation ?? 1) >= 5;
  const sourceWidth = turned ? meta.height : meta.width;
  const sourceHeight = turned ? meta.width : meta.height;
  const { data, info } = await sharp(input, options)
    .rotate()
    .resize({ width: limits.maxSide, height: limits.maxSide, fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: 78, mozjpeg: true })
    .toBuffer({ resolveWithObject: true });
  return { bytes: data, width: info.width, height: info.height, sourceWidth, sourceHeight };
}

/** The Thumbnailer port over sharp, with the default limits (wired in by scripts/roles.ts). */
export const sharpThumbnailer: Thumbnailer = {
  accepts: (mime) => THUMBNAIL_MIME.has(mime),
  make: (bytes) => makeThumbnail(bytes),
};
