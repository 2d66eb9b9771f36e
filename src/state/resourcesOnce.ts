/**
 * Stored `Resources` texts decoded once per answer: a report of thousands of rows (a year of cluster
 * history, 50,000 managed jobs) holds a handful of distinct shapes, and decoding one (JSON, the cloud,
 * a Kubernetes instance type's pattern) costs more than the rest of its row. A `Resources` is
 * immutable, so the rows that share a text share the object. Held by the answer being built only.
 */
import { Resources, type ResourcesJSON } from './resources';

export function resourcesDecoder(): (text: string) => Resources {
  const decoded = new Map<string, Resources>();
  return (text) => {
    let found = decoded.get(text);
    if (!found) {
      found = Resources.fromJSON(JSON.parse(text) as Partial<ResourcesJSON>);
      decoded.set(text, found);
    }
    return found;
  };
}
