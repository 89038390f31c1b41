export { killAllChildren, superviseChild, type SupervisedChild, type SuperviseOptions } from './supervised-child.ts';
export { stopOnStdinEnd } from './stop-on-stdin-end.ts';
