import { badRequest, checkName, objOf, strOf, type Obj } from './arm.js';

/** What the validators need to know about the rest of the fake's world. */
export interface Lookup {
  subscription: string;
  resourceGroup: string;
  /** The stored public IP with this ID, if any. */
  publicIP(id: string): Obj | undefined;
  /** The ID of the frontend (in any load balancer but `exceptLb`) that already uses this public IP. */
  publicIPUser(pipId: string, exceptLb: string): string | undefined;
  /** The prefix of a known subnet (`<vnet id>/subnets/<name>`) or a known virtual network. */
  subnetPrefix(subnetId: string): string | undefined;
  isVnet(vnetId: string): boolean;
  /** Whether `ip` lies in the address space of the virtual network. */
  vnetContains(vnetId: string, ip: string): boolean;
  allocatePrivateIP(subnetId: string, taken: ReadonlySet<string>): string;
  nextGuid(): string;
  nextEtag(): string;
}

export const child = (
  id: string,
  kind: string,
  name: string,
  etag: string,
  type: string,
  properties: Obj,
): Obj => ({
  id: `${id}/${kind}/${name}`,
  name,
  etag,
  type: `Microsoft.Network/${type}/${kind}`,
  properties: { provisioningState: 'Succeeded', ...properties },
});

export function uniqueNames(where: string, items: Obj[]): string[] {
  const names = items.map((i, n) => checkName(`${where}[${n}]`, i.name));
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n.toLowerCase()))
      throw badRequest('DuplicateResourceName', `${where} contains the name ${n} more than once.`);
    seen.add(n.toLowerCase());
  }
  return names;
}

export function common(body: Obj, where: string): { location: string; tags: Obj } {
  const location = strOf(body.location);
  if (location === undefined || location === '')
    throw badRequest('LocationRequired', `The location property is required for ${where}.`);
  const tags = objOf(body.tags);
  // Microsoft, "Use tags to organize your Azure resources": at most 50 tag name/value pairs per resource.
  if (Object.keys(tags).length > 50)
    throw badRequest(
      'InvalidTag',
      `Resource ${where} has ${Object.keys(tags).length} tags; each resource can have at most 50 tag name/value pairs.`,
    );
  for (const [k, v] of Object.entries(tags)) {
    if (/[<>%&\\?/]/.test(k) || k.length > 512)
      throw badRequest(
        'InvalidTagNameCharacters',
        `The tag name ${JSON.stringify(k)} has invalid characters '<,>,%,&,\\,?,/'.`,
      );
    if (typeof v !== 'string' || v.length > 256)
      throw badRequest(
        'InvalidTag',
        `The value of tag ${k} must be a string of at most 256 characters.`,
      );
  }
  return { location: location.toLowerCase().replaceAll(' ', ''), tags };
}
