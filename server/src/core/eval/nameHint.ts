import { formOf } from '../chain/normalization';

/**
 * The hint after "unknown policy": `did you mean "x"?`, or, when the nearest name is the same text
 * in another Unicode form (`Café` typed as e and a combining accent), that it is: both look the
 * same in every editor and terminal, and "did you mean "Café guard"?" about "Café guard" reads as
 * a bug. Policy names compare code point by code point (the registry's and the runtime's rule),
 * so the name is still unknown; the hint says which form each is in.
 */
export function nearestHint(name: string, nearest: string | undefined): string {
  if (nearest === undefined) return '';
  if (nearest !== name && nearest.normalize('NFC') === name.normalize('NFC'))
    return `; the policy "${nearest}" has this name in another Unicode form (${formOf(name)} here, ${formOf(nearest)} in the policy): names compare code point by code point, so write it as the policy does`;
  return `; did you mean "${nearest}"?`;
}
