/** Message builders (typed factories for every business message type). Filled in by the send work. @module */
export {};
