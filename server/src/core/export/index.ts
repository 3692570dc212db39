/** `policylens export`: live policies no bundle declares, as the bundles that would declare them. */
export { bundleOf, prerequisiteResolver, sortedKeys, type ExportedBundle } from './bundle';
export { selectExports, type ExportCandidate, type ExportSelection } from './select';
export { fileNamesFor, slugOf } from './names';
export { bundleText, type ExportFormat } from './text';
export {
  exportFiles,
  exportWarnings,
  invalidBundleLine,
  invalidBundlesSentence,
  invalidWrittenWarning,
  type ExportFile,
} from './files';
export { readBackVerdicts, type ReadBack, type ReadOutcome } from './readBack';
