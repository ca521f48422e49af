/**
 * Secrets published in documentation, tutorials and framework defaults. Anyone can sign tokens
 * with them, however long they are. Compared case-insensitively after trimming.
 */
export const KNOWN_DEFAULT_SECRETS: readonly string[] = Object.freeze([
  // jwt.io's sample secrets (old and current debugger).
  'your-256-bit-secret',
  'your-384-bit-secret',
  'your-512-bit-secret',
  'a-string-secret-at-least-256-bits-long',
  // express-session / jsonwebtoken README examples.
  'keyboard cat',
  'shhhhh',
  // Framework and tutorial defaults.
  'supersecret',
  'super-secret',
  'super_secret',
  'supersecretkey',
  'super-secret-key',
  'super_secret_key',
  'secret',
  'secretkey',
  'secret-key',
  'secret_key',
  'mysecret',
  'my-secret',
  'my_secret',
  'mysecretkey',
  'my-secret-key',
  'my_secret_key',
  'jwtsecret',
  'jwt-secret',
  'jwt_secret',
  'jwt_secret_key',
  'your_jwt_secret',
  'your-jwt-secret',
  'your_secret_key',
  'your-secret-key',
  'topsecret',
  'top-secret',
  'notasecret',
  'thisisasecret',
  'thisismysecret',
  'changeit',
  'changeme',
  'password',
  'password123',
  'p@ssw0rd',
  's3cr3t',
  'secret123',
  'hunter2',
  'letmein',
  'admin',
  'default',
  'development',
  'correct horse battery staple',
  'correcthorsebatterystaple',
  'the quick brown fox jumps over the lazy dog',
  'thequickbrownfoxjumpsoverthelazydog',
  'lorem ipsum dolor sit amet',
]);

/** Words that make up most human-chosen secrets; a value built only from them is guessable. */
export const COMMON_WORDS: readonly string[] = Object.freeze(
  (
    'access admin administrator api app application auth authentication bar baz batman chat chatbox ' +
    'company config cookie correct dev development default demo dragon dummy encrypt encryption example ' +
    'fake football foo guest hello hmac horse iloveyou insecure jwt key keyboard letmein local login ' +
    'long lorem ipsum love master monkey my our pass passw passwd password please princess private ' +
    'prod production public qwerty random root sample secret secure server service session shadow ' +
    'sign signing staging string strong sunshine super superman temp test testing the this token top ' +
    'trustno user value very welcome word world xyz your abc cat dog change me is it'
  ).split(' '),
);
