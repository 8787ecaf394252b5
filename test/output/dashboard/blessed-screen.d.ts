// What the tests read from a blessed screen and @types/blessed 0.1.27 leaves out: the drawn cells.

import 'blessed';

declare module 'blessed' {
  namespace Widgets {
    interface Screen {
      /** The screen as last drawn: rows of [attribute, character] cells (blessed 0.1.81, lib/widgets/screen.js). */
      lines: Array<Array<[number, string]>>;
    }
  }
}
