import { type CSSVariablesResolver, createTheme, DEFAULT_THEME, type MantineColorsTuple } from "@mantine/core";

function darkest(color: "teal" | "green" | "yellow" | "orange" | "lime", shade9: string): MantineColorsTuple {
  return [...DEFAULT_THEME.colors[color].slice(0, 9), shade9] as unknown as MantineColorsTuple;
}

export const theme = createTheme({
  primaryColor: "teal",
  // Filled colours, links and outlines use shade 9 in both schemes: shade 6, Mantine's default
  // on white, is below WCAG AA contrast as text and under a white label.
  primaryShade: { light: 9, dark: 9 },
  // Light-variant text is shade 9 on shade 1: with Mantine's stock shades teal misses AA by a
  // hair, and green, orange, lime and yellow (an orange #e67700) by far, so their darkest shades
  // are darker here. The other colours pass as they are.
  colors: {
    teal: darkest("teal", "#066649"),
    green: darkest("green", "#1f6b30"),
    yellow: darkest("yellow", "#8f5700"),
    orange: darkest("orange", "#a33608"),
    lime: darkest("lime", "#3f6608"),
  },
  defaultRadius: "md",
  fontFamily: "Inter, system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
  headings: { fontFamily: "Inter, system-ui, -apple-system, Segoe UI, Roboto, sans-serif" },
  // Filled buttons and badges pick black or white text by their colour's luminance.
  autoContrast: true,
  luminanceThreshold: 0.3,
  components: {
    // A link inside a sentence must not be told apart by colour alone.
    Anchor: { defaultProps: { underline: "always" } },
  },
});

// Mantine's dimmed text and the placeholders it draws as text (gray.6 on white, dark.2 on dark) is below AA contrast; one step
// stronger in each scheme passes on the body and on cards.
export const cssVariablesResolver: CSSVariablesResolver = (t) => ({
  variables: {},
  light: {
    "--mantine-color-dimmed": t.colors.gray[7] ?? "#495057",
    "--mantine-color-placeholder": t.colors.gray[7] ?? "#495057",
  },
  dark: {
    "--mantine-color-dimmed": t.colors.dark[1] ?? "#b8b8b8",
    "--mantine-color-placeholder": t.colors.dark[1] ?? "#b8b8b8",
  },
});
