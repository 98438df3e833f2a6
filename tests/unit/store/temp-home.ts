// Moved to tests/helpers/temp-home.ts; this re-export keeps branches written before the move compiling.
export { manualClock, tempHome } from '../../helpers/temp-home.ts';
