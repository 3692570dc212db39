// The prerequisite chain across a workspace. `findCycleThrough`, `formatCycle` and `Graph` are
// exported from core/index.ts directly (the registry uses them); the rest comes through here.
export { findCycleThroughEdge, cyclicComponents } from './cycles';
export { cycleThroughEdge, formatBreadcrumb, type Breadcrumb } from './breadcrumb';
export * from './policy';
export * from './workspace';
export * from './order';
export * from './findings';
export * from './report';
export * from './navigation';
export {
  fixAllFindings,
  idEntryFindings,
  keptIdFinding,
  namedByItsId,
  removesId,
  withoutIdRemoval,
} from './idFindings';
