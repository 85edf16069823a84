/** EXIF fields with every member set, as a camera would write them, for codec tests. */
import type { ExifFields } from '../../../src-shared/codecs/exif-write';

export const FULL_FIELDS: Required<ExifFields> = {
  exposureTime: 1 / 250,
  fNumber: 2.8,
  iso: 400,
  exposureBias: -1 / 3,
  exposureMode: 2,
  dateTimeOriginal: '2024:06:01 18:30:05',
  subSecTimeOriginal: '25',
  offsetTimeOriginal: '+02:00',
  make: 'Canon',
  model: 'Canon EOS R5',
  lensModel: 'RF24-70mm F2.8 L IS USM',
  focalLength: 35,
  bodySerialNumber: '012345678901',
  orientation: 6,
  software: 'Luxfuse 0.1.0',
  artist: 'Jane Doe',
  cameraOwnerName: 'J. Doe',
  lensSerialNumber: '9205001234',
  colorSpace: 'srgb',
};
