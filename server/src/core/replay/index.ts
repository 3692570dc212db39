/** Replay: recorded traffic through two policy sets, and the difference in their decisions. */
export { replay, Replayer, type ReplaySides } from './replay';
export { ReplayDecoder, ClockOrder, decodeRecord, type Decoded } from './decode';
export { Digester, newDigest, SplitPlan, type Digest } from './split';
export { Combiner } from './combine';
export { SideRunner } from './side';
export {
  liveKept,
  liveNames,
  liveSources,
  livePolicyBody,
  resolvePrerequisites,
  type LiveKept,
  type LiveNames,
} from './live';
export { desiredBundles, syncedOrg } from './synced';
export {
  OutcomeTable,
  decidingPolicies,
  DECISIONS,
  OUTCOMES_NUMBERED,
  SPILLED,
  type Outcome,
} from './outcome';
export { AgentCounts, AGENTS_LISTED, AGENTS_TRACKED } from './agents';
export { agentRestText, uncountedText } from './agentText';
export { DistinctSketch } from './sketch';
export { ReplayTally, transitionKey } from './tally';
export { mapRecord, ALIASES, RECORDED_KEYS, EVENT_KEYS } from './mapping';
export type * from './types';
