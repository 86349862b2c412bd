/** JSON.stringify with every character of every string as a \uXXXX escape: the largest wire form of the same value. */
export function stringifyEscaped(value: unknown): string {
  return JSON.stringify(value, null, 0).replace(/"((?:[^"\\]|\\.)*)"/g, (_, inner: string) => {
    const text = JSON.parse(`"${inner}"`) as string;
    let escaped = "";
    for (let i = 0; i < text.length; i++)
      escaped += `\\u${text.charCodeAt(i).toString(16).padStart(4, "0")}`;
    return `"${escaped}"`;
  });
}
