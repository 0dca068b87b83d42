// The two environments every connector links in, and the two kinds of key.
export type EnvironmentKey = 'production' | 'test';

/** A full-access key, or one scoped to named permissions. */
export type KeyType = 'secret' | 'restricted';
