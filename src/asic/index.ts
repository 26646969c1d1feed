/** ASiC-E reading. Filled in by the receive work. @module */
export {};
