<?xml version="1.0" encoding="UTF-8"?>
<!-- A thin customisation layer over the DocBook XSL-NS FO stylesheet for the
     FOP reference run (bench/fop.sh): only what makes FOP's work comparable
     to kcvs-pdf's. Everything else is the stock stylesheet. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:fo="http://www.w3.org/1999/XSL/Format">
  <xsl:import href="file:///usr/share/xml/docbook/stylesheet/docbook-xsl-ns/fo/docbook.xsl"/>
  <!-- kcvs-pdf draws a link's text only, never its URI in brackets -->
  <xsl:param name="ulink.show" select="0"/>
  <!-- every workstream (top-level section) starts on a new page, as in kcvs-pdf -->
  <xsl:attribute-set name="section.level1.properties">
    <xsl:attribute name="break-before">page</xsl:attribute>
  </xsl:attribute-set>
</xsl:stylesheet>
