// The user API behind the storefront.

interface Profile {
  name: string;
  address?: { city: string };
}

export async function loadUser(id: string): Promise<Profile> {
  const res = await fetch(`https://users.internal/v1/users/${id}`);
  const body = await res.json();
  return body.user.profile;
}

export function cityOf(profile: Profile): string {
  return profile.address.city;
}

export function parseSettings(raw: string) {
  return JSON.parse(raw);
}

export async function refreshAll(ids: string[]) {
  return Promise.all(ids.map((id) => loadUser(id)));
}
