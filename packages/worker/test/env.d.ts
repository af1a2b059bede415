// Types the unit tests' `exports` (loopback bindings of the Worker under test) and `env`.
import type * as UnitWorker from './fixtures/unit-worker';

declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof UnitWorker;
    }
    interface Env extends UnitWorker.Env {}
  }
}
