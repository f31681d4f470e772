/**
 * The real-kernel oracle for the Node extension host, bundled on its own as dist/oracle.js and required on the first
 * "Verify on a real kernel" (main.ts): it starts processes (apt-get, make, QEMU), which the web host cannot.
 */
export { verifyScenarios } from '../oracle/verify';
export { OracleError } from '../oracle/run';
