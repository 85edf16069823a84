/** Bracket grouping: which files of a shoot belong together, and why. */
export { groupBrackets, type BracketGroup, type GroupOptions, type GroupResult } from './group';
export { parseExifDateTime, shotExposure, nominalStops, type ShotInfo } from './shot-info';
export { compareNatural, sortNatural } from './natural-sort';
export { IMAGE_EXTENSIONS, RAW_EXTENSIONS, fileKind, isSupportedImage, type FileKind } from './file-kind';
