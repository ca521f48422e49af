import { describe, expect, it } from '@jest/globals';
import { dockerVariables, execForm, parseDockerfile } from '../../src/dockerfile.js';

describe('parseDockerfile', () => {
  it('joins continuations (dropping comment lines inside them) and keeps the first line number', () => {
    const text = [
      '# syntax=docker/dockerfile:1',
      'FROM node:20.20.2 AS build',
      '',
      'RUN a \\',
      '  # explained',
      '  && b \\',
      '  && c',
      'user 10001',
    ].join('\n');
    expect(parseDockerfile(text)).toEqual([
      { instruction: 'FROM', args: 'node:20.20.2 AS build', line: 2 },
      { instruction: 'RUN', args: 'a && b && c', line: 4 },
      { instruction: 'USER', args: '10001', line: 8 },
    ]);
  });

  it('skips heredoc bodies so their lines are not read as instructions', () => {
    const text = [
      'FROM scratch',
      'RUN <<EOF',
      'ENV API_KEY=CHANGE-ME',
      'EOF',
      'COPY <<-"A" <<B /x',
      'USER root',
      'A',
      'ADD x',
      'B',
      'CMD ["node"]',
    ].join('\n');
    expect(parseDockerfile(text).map((instruction) => instruction.instruction)).toEqual([
      'FROM',
      'RUN',
      'COPY',
      'CMD',
    ]);
  });

  it('reads ENV and ARG variables in every form', () => {
    const [env, legacy, arg] = parseDockerfile(
      [
        'ENV A=1 B="two \\"words\\"" C=\'x y\'',
        'ENV PATH /usr/local/bin:$PATH',
        'ARG VERSION=1.2.3 TOKEN',
      ].join('\n'),
    );
    expect(dockerVariables(env!)).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: 'two "words"' },
      { name: 'C', value: 'x y' },
    ]);
    expect(dockerVariables(legacy!)).toEqual([{ name: 'PATH', value: '/usr/local/bin:$PATH' }]);
    expect(dockerVariables(arg!)).toEqual([
      { name: 'VERSION', value: '1.2.3' },
      { name: 'TOKEN', value: undefined },
    ]);
  });

  it('tells the exec form from the shell form', () => {
    const [exec, shell, broken, mixed] = parseDockerfile(
      [
        'CMD ["node", "dist/main.js"]',
        'CMD node dist/main.js',
        'CMD ["node"',
        'CMD ["node", 1]',
      ].join('\n'),
    );
    expect(execForm(exec!)).toEqual(['node', 'dist/main.js']);
    expect(execForm(shell!)).toBeUndefined();
    expect(execForm(broken!)).toBeUndefined();
    expect(execForm(mixed!)).toBeUndefined();
  });
});
