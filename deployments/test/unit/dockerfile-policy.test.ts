import { describe, expect, it } from '@jest/globals';
import { checkDockerfile } from '../../src/dockerfile-policy.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

function problems(lines: readonly string[], healthPath?: string): string[] {
  return checkDockerfile(lines.join('\n'), {
    port: 8080,
    ...(healthPath === undefined ? {} : { healthPath }),
  }).map((violation) => `${violation.resource} ${violation.message}`);
}

const GOOD_TAIL = ['USER 10001', 'EXPOSE 8080/tcp', 'ENTRYPOINT ["/usr/bin/tini", "--"]'];

describe('checkDockerfile', () => {
  it('accepts pinned tags, digests, stage references, scratch and platform flags', () => {
    expect(
      problems([
        `FROM --platform=linux/amd64 node@${DIGEST} AS deps`,
        'FROM deps AS build',
        'FROM scratch',
        'FROM node:20.20.2-alpine3.21',
        ...GOOD_TAIL,
      ]),
    ).toEqual([]);
  });

  it('refuses floating tags, hidden base images and malformed digests', () => {
    expect(
      problems([
        'ARG BASE=node:20',
        'FROM ${BASE}',
        'FROM node:20-slim',
        'FROM node@sha256:abc',
        ...GOOD_TAIL,
      ]),
    ).toEqual([
      'Dockerfile:2 FROM ${BASE}: build arguments hide the base image; write it out pinned',
      'Dockerfile:3 FROM node:20-slim: pin an exact version tag (not 20-slim) or a digest',
      'Dockerfile:4 FROM node@sha256:abc: the digest is not sha256:<64 hex>',
    ]);
  });

  it('wants a numeric USER >= 10000 (gid numeric too) in the final stage', () => {
    for (const user of ['USER node', 'USER 1000', 'USER 10001:app']) {
      expect(problems(['FROM node:20.20.2', user, 'EXPOSE 8080', 'CMD ["node", "x.js"]'])).toEqual([
        expect.stringContaining('numeric USER >= 10000'),
      ]);
    }
    // A USER in an earlier stage does not count.
    expect(
      problems([
        'FROM node:20.20.2 AS a',
        'USER 10001',
        'FROM node:20.20.2',
        'EXPOSE 8080',
        'CMD ["node", "x.js"]',
      ]),
    ).toEqual([
      'Dockerfile:3 the final stage must run as a numeric USER >= 10000 (runAsNonRoot can only verify numeric IDs)',
    ]);
  });

  it('wants node or tini as PID 1, and the HEALTHCHECK on the given path', () => {
    expect(
      problems(['FROM node:20.20.2', 'USER 10001', 'EXPOSE 8080', 'CMD ["npm", "start"]']),
    ).toEqual(['Dockerfile:4 PID 1 must be node (which handles SIGTERM) or tini']);
    expect(
      problems(
        ['FROM node:20.20.2', ...GOOD_TAIL, 'HEALTHCHECK CMD ["node", "-e", "/health"]'],
        '/healthz',
      ),
    ).toEqual(['Dockerfile:5 HEALTHCHECK must probe /healthz']);
  });

  it('flags ADD of git and ftp sources as well as http, and a file without FROM', () => {
    expect(
      problems([
        'FROM node:20.20.2',
        'ADD git@github.com:x/y.git /src',
        'ADD ./local.tar /x',
        ...GOOD_TAIL,
      ]),
    ).toEqual([
      'Dockerfile:2 ADD of a remote URL: fetch with a pinned checksum in a build stage instead',
    ]);
    expect(problems(['# nothing'])).toEqual(['Dockerfile:1 no FROM instruction']);
  });
});
