import { describe, expect, it } from 'vitest';
import { renderTemplate, type TemplateContext } from '../../src/core/api/template.js';

const ctx: TemplateContext = {
  name: 'web1',
  ip: '10.213.0.5',
  mac: '02:42:0a:d5:00:05',
  user: { name: 'builder', uid: 1234, home: '/home/builder' },
  debug: false,
  ports: ['80', '443'],
  empty: '',
  nothing: null,
};

describe('renderTemplate', () => {
  it.each([
    ['plain text', 'no tags here\n', 'no tags here\n'],
    ['a value', 'host {{name}}', 'host web1'],
    ['blanks inside the braces', 'listen {{  ip  }}:80', 'listen 10.213.0.5:80'],
    ['a nested value', 'home={{ user.home }} uid={{ user.uid }}', 'home=/home/builder uid=1234'],
    ['a boolean', 'debug={{ debug }}', 'debug=false'],
    ['a list, joined by blanks', 'ports {{ ports }}', 'ports 80 443'],
    ['an empty string is a value', '[{{ empty }}]', '[]'],
    ['a default for a missing name', 'level={{ level | default("info") }}', 'level=info'],
    ['a default for null', 'x={{ nothing | default("n/a") }}', 'x=n/a'],
    ['a default is not used when the value is there', '{{ name | default("other") }}', 'web1'],
    ['a default with escaped quotes', '{{ q | default("say \\"hi\\"") }}', 'say "hi"'],
    ['literal braces', '{{{{ name }}}} is {{ name }}', '{{ name }} is web1'],
    ['a lone closing pair is text', 'a }} b', 'a }} b'],
    ['several lines', 'a={{name}}\nb={{mac}}\n', 'a=web1\nb=02:42:0a:d5:00:05\n'],
  ])('%s', (_n, template, want) => {
    expect(renderTemplate(template, ctx)).toBe(want);
  });

  it.each([
    ['a missing name', 'x={{ port }}', /\/etc\/app\.conf: \{\{ port \}\} is not in the context \(it has: debug, empty, ip, mac, name, nothing, ports, user\.home, user\.name, user\.uid\)/],
    ['a missing nested name', '{{ user.shell }}', /\{\{ user\.shell \}\} is not in the context/],
    ['an object', '{{ user }}', /\{\{ user \}\} is an object, not a value; name one of its fields \(user\.name, user\.uid, user\.home\)/],
    ['an unclosed tag', 'x={{ name }', /'\{\{ name \}' is not a tag/],
    ['a tag that is not a name', '{{ 2x }}', /'\{\{ 2x \}\}' is not a tag/],
    ['a filter we do not have', '{{ name | upper }}', /is not a tag/],
  ])('refuses %s', (_n, template, message) => {
    expect(() => renderTemplate(template, ctx, '/etc/app.conf')).toThrow(message);
  });
});
