export const CONFIG = 'config';
