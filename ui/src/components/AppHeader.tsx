// The 48 px top bar with the product name, as the console shows "Fabric Operations Console".
import { useTranslation } from "react-i18next";

export function AppHeader() {
  const { t } = useTranslation("components");
  return (
    <header className="fhd-header">
      <a className="fhd-header__skip" href="#main-content">
        {t("header.skip")}
      </a>
      <span className="fhd-header__name">{t("common:productName")}</span>
    </header>
  );
}
