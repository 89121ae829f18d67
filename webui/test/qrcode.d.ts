// The qrcode package (a dev dependency, the reference encoder of test/qr.test.ts) ships no types.
declare module 'qrcode';
