/**
 * Public API of the pfn layouts module (reference: docs/layouts.md).
 */
export type { FlagDef, PfnLayout, DecodedPfn, LegacyProfileInfo } from './types';
export { listLayouts, getLayout, layoutForKernel, resolveLayout, modernLayoutFor, legacyEraFor,
  LAYOUT_V5_8, LAYOUT_V5_10, LAYOUT_V6_16, type ResolvedLayout } from './registry';
export { LAYOUT_PROPOSAL_DEVICE_PRIVATE, LAYOUT_PROPOSAL_MIGRATE, MODERN_LAYOUTS, PROPOSAL_LAYOUTS } from './modern';
export { BUILTIN_PROFILES, DEFAULT_PROFILE, builtinProfile, resolveLegacyTables, checkLegacyTables, legacyLayout,
  type BuiltinProfile, type LegacyTables, type LegacyEra, type ProfileProblem } from './legacy';
export { decodePfn, decodeFields, formatDecoded, type PfnWordFields } from './decode';
export { encodePfn, tryEncodePfn, type PfnFields } from './encode';
export { flagNamesForInput, inputFlagDefs, outputFlagNames, legacyValueNames, parseFlagNames, findFlag,
  normaliseFlagName, formatInputFlags, type InputFlagDef } from './flagNames';
export { hex, hex64, describeBits, formatSize } from './bits';
export { hmmConstants, hmmConstant, constantHistory, constantNames, formatConstantHistory,
  type HmmConstant, type ConstantEra } from './constants';
export { decodeFlagsBulk, prepareBulkLayout, bulkCodeFlags, bulkCodeOrder, BULK_ORDER_SHIFT, BULK_ORDER_MASK,
  BULK_VALUE_NONE, BULK_VALUE_ERROR, BULK_VALUE_SPECIAL, type BulkLayout } from './bulk';
export { scanPfnValues, scanPfnWords, type ScannedValue, type ScannedWords, type ScanOptions } from './scan';
export { layoutWords, pageWord, storeWord, type LayoutWords } from './words';
export { describeLayout } from './describe';
export { orderMeaning, type OrderMeaning, type OrderReading } from './orders';
